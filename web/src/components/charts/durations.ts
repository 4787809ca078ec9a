// Durations as people say them: "4.5 s", "2 min 10 s", "3 min", "1 h 5 min" (the charts, the render-time
// column, the slowest files), in the reader's language.
import { format, t } from '../../controllers/i18n.ts'

export function humanDuration (seconds: number): string {
  if (!(seconds >= 0)) return ''
  if (seconds < 59.95) return t('dur:s', { s: format.number(seconds, 1) })
  const whole = Math.round(seconds)
  if (whole < 3600) return whole % 60 === 0 ? t('dur:min', { m: whole / 60 }) : t('dur:min-s', { m: Math.floor(whole / 60), s: whole % 60 })
  const minutes = Math.round(whole / 60)
  return t('dur:h-min', { h: Math.floor(minutes / 60), m: minutes % 60 })
}

/** Hours with at most two decimals ("1.25"), for the dashboard's hour axes and tables. */
export function hours (value: number): string {
  return format.number(value, value >= 10 ? 1 : 2)
}
