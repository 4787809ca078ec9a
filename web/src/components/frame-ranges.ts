// Frame numbers as a person reads them: runs of consecutive frames as ranges ("4–50"), the rest one by one
// ("1–3, 7, 9–10"), and a long list shortened with how many frames there are in all.
import { t } from '../controllers/i18n.ts'

const MAX_PARTS = 6

export function frameRanges (frames: number[]): string {
  const sorted = [...new Set(frames)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]))
    i = j + 1
  }
  if (parts.length <= MAX_PARTS) return parts.join(', ')
  return t('frames:more', { first: parts.slice(0, MAX_PARTS - 1).join(', '), count: sorted.length })
}
