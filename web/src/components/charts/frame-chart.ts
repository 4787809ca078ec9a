// The render chart of an asset or a job: every frame of the range along the bottom, its latest render
// time as a bar (left axis) and its peak memory as a line (right axis). A frame never rendered is a
// gap, marked at the foot of the plot; the slowest frames (the slowest tenth, at least one) stand out,
// so a student sees which frames are slow and can look at what happens in them.
import { LitElement, css, html, svg, type SVGTemplateResult } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import type { FrameSample } from '../../../../common/render-estimate.ts'
import { sharedStyles } from '../../styles/shared.ts'
import { I18nController, format, t } from '../../controllers/i18n.ts'
import { axisTitles, chartStyles, dataTable, legend, plotBottom, plotWidth, xCategoryAxis, yAxis, type Frame, type LegendItem } from './chart-parts.ts'
import { humanDuration } from './durations.ts'
import { labelEvery, linear, niceTicks, timeTicks } from './scale.ts'
import { ChartWidth } from './chart-width.ts'

/** More frames than this are drawn from the first rendered one on (a range typed wrong should not hang the page). */
const MAX_SLOTS = 5000

@customElement('rfam-frame-chart')
export class FrameChart extends LitElement {
  static override styles = [sharedStyles, chartStyles, css`
    :host { display: block; }
    rect.bar { fill: var(--rfam-chart-0); }
    rect.bar.slowest { fill: var(--rfam-error); }
    .swatch.time { background: var(--rfam-chart-0); }
    .swatch.slowest { background: var(--rfam-error); }
    .swatch.memory { background: var(--rfam-chart-1); }
    path.memory { fill: none; stroke: var(--rfam-chart-1); stroke-width: 2; stroke-linejoin: round; }
    circle.memory { fill: var(--rfam-chart-1); }
    path.gap { stroke: var(--rfam-muted); stroke-width: 1.5; stroke-dasharray: 2 2; }
  `]

  /** The latest sample of each frame rendered, in frame order. */
  @property({ attribute: false }) frames: FrameSample[] = []
  /** The range to show (every frame of it, rendered or not); without it, the frames rendered. */
  @property({ type: Number, attribute: 'frame-start' }) frameStart?: number
  @property({ type: Number, attribute: 'frame-end' }) frameEnd?: number

  private readonly i18n = new I18nController(this)
  private readonly size = new ChartWidth(this)

  /** The frames along the bottom: the range, else first to last rendered. */
  private slots (): number[] {
    const rendered = this.frames.map((f) => f.frame)
    let start = this.frameStart
    let end = this.frameEnd
    if (start === undefined || end === undefined || end < start) {
      start = Math.min(...rendered)
      end = Math.max(...rendered)
    }
    if (end - start + 1 > MAX_SLOTS) start = Math.max(start, Math.min(...rendered))
    const out: number[] = []
    for (let f = start; f <= end && out.length < MAX_SLOTS; f++) out.push(f)
    return out
  }

  /** The frames that count as the slowest: the slowest tenth of those rendered, at least one. */
  private slowest (): Set<number> {
    const sorted = [...this.frames].sort((a, b) => b.seconds - a.seconds)
    const count = Math.max(1, Math.floor(sorted.length / 10))
    return new Set(sorted.slice(0, count).map((f) => f.frame))
  }

  private memoryLine (f: Frame, slots: number[], x: (i: number) => number, y: (mb: number) => number): SVGTemplateResult[] {
    const bySlot = new Map(this.frames.map((s) => [s.frame, s]))
    const parts: SVGTemplateResult[] = []
    let run: string[] = []
    const flush = () => {
      if (run.length > 1) parts.push(svg`<path class="memory" d=${`M${run.join('L')}`}></path>`)
      run = []
    }
    slots.forEach((frame, i) => {
      const mb = bySlot.get(frame)?.memoryMB
      if (mb === undefined) { flush(); return }
      run.push(`${x(i).toFixed(1)},${y(mb).toFixed(1)}`)
      if (slots.length <= 120) parts.push(svg`<circle class="memory" cx=${x(i)} cy=${y(mb)} r="2.5"></circle>`)
    })
    flush()
    return parts
  }

  override render () {
    if (this.frames.length === 0) return html``
    const slots = this.slots()
    const bySlot = new Map(this.frames.map((s) => [s.frame, s]))
    const slow = this.slowest()
    const withMemory = this.frames.some((s) => s.memoryMB !== undefined)
    const f: Frame = { width: this.size.width, height: 240, left: 64, right: withMemory ? 64 : 16, top: 12, bottom: 44 }
    const timeAxis = timeTicks(Math.max(...this.frames.map((s) => s.seconds)))
    const y = linear(0, timeAxis.at(-1)!, plotBottom(f), f.top)
    const memoryAxis = niceTicks(Math.max(0, ...this.frames.map((s) => s.memoryMB ?? 0)))
    const yMemory = linear(0, memoryAxis.at(-1)!, plotBottom(f), f.top)
    const band = plotWidth(f) / slots.length
    const middle = (i: number) => f.left + band * (i + 0.5)
    const missing = slots.filter((frame) => !bySlot.has(frame)).length
    const items: LegendItem[] = [
      { label: t('stats:axis-time'), kind: 'bar', swatch: 'time' },
      { label: t('stats:legend-slowest'), kind: 'bar', swatch: 'slowest' },
      ...(withMemory ? [{ label: t('stats:axis-memory'), kind: 'line' as const, swatch: 'memory' }] : []),
      ...(missing > 0 ? [{ label: t('stats:legend-missing'), kind: 'gap' as const, swatch: '' }] : []),
    ]
    const caption = t('stats:chart', { frames: slots.length })
    return html`<figure>
      ${axisTitles(t('stats:axis-time'), withMemory ? t('stats:axis-memory') : undefined)}
      <svg class="chart" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label=${caption}>
        ${yAxis(f, { ticks: timeAxis, at: y, label: t('stats:axis-time'), format: humanDuration })}
        ${withMemory ? yAxis(f, { ticks: memoryAxis, at: yMemory, label: t('stats:axis-memory'), format: (v) => format.number(v, 0) }, 'right') : ''}
        ${slots.map((frame, i) => {
          const sample = bySlot.get(frame)
          const x = f.left + band * i + band * 0.1
          if (!sample) {
            return svg`<path class="gap" data-frame=${frame} d=${`M${middle(i)},${plotBottom(f)}V${plotBottom(f) - 10}`}><title>${t('stats:frame-missing', { frame })}</title></path>`
          }
          const title = sample.memoryMB === undefined
            ? t('stats:frame', { frame, time: humanDuration(sample.seconds) })
            : t('stats:frame-memory', { frame, time: humanDuration(sample.seconds), memory: format.number(sample.memoryMB, 0) })
          return svg`<rect class="bar ${slow.has(frame) ? 'slowest' : ''}" data-frame=${frame} x=${x} y=${y(sample.seconds)} width=${Math.max(band * 0.8, 0.5)}
            height=${Math.max(plotBottom(f) - y(sample.seconds), 1)}><title>${title}</title></rect>`
        })}
        ${withMemory ? this.memoryLine(f, slots, middle, yMemory) : ''}
        ${xCategoryAxis(f, slots.map(String), middle, labelEvery(slots.length, plotWidth(f), 36), t('stats:axis-frame'))}
      </svg>
      ${legend(items)}
      ${dataTable(caption, [t('stats:axis-frame'), t('stats:axis-time'), t('stats:axis-memory')], slots.map((frame) => {
        const s = bySlot.get(frame)
        return s ? [frame, humanDuration(s.seconds), s.memoryMB === undefined ? '' : format.number(s.memoryMB, 0)] : [frame, t('stats:not-rendered'), '']
      }))}
    </figure>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-frame-chart': FrameChart }
}
