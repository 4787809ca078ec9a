// A bar chart: categories (days, people, shots) along one axis, one or more series of values, stacked
// or side by side, upright or lying (long names read better lying). Built on chart-parts.ts: labelled
// axes, a legend when there is more than one series, a title on every bar, the numbers as a table.
import { LitElement, css, html, nothing, svg } from 'lit'
import { customElement, property } from 'lit/decorators.js'
import { sharedStyles } from '../../styles/shared.ts'
import { I18nController, format } from '../../controllers/i18n.ts'
import { SERIES, axisTitles, chartStyles, dataTable, legend, plotBottom, plotWidth, xCategoryAxis, xValueAxis, yAxis, type Frame } from './chart-parts.ts'
import { labelEvery, linear, niceTicks } from './scale.ts'
import { ChartWidth } from './chart-width.ts'

export interface Series { label: string, values: number[] }

const ROW = 30

@customElement('rfam-bar-chart')
export class BarChart extends LitElement {
  static override styles = [sharedStyles, chartStyles, css`
    :host { display: block; }
    rect.bar:hover { opacity: 0.8; }
  `]

  /** What the chart shows, in a sentence (its accessible name and the table's caption). */
  @property() caption = ''
  @property({ attribute: false }) categories: string[] = []
  @property({ attribute: false }) series: Series[] = []
  @property({ type: Boolean }) stacked = false
  /** Bars lying down, categories written on the left. */
  @property({ type: Boolean }) horizontal = false
  @property({ attribute: 'category-label' }) categoryLabel = ''
  @property({ attribute: 'value-label' }) valueLabel = ''
  /** How a value is written (ticks, titles, the table). */
  @property({ attribute: false }) format: (value: number) => string = (v) => format.number(v, 2)

  private readonly i18n = new I18nController(this)
  private readonly size = new ChartWidth(this)

  private max (): number {
    let max = 0
    for (let i = 0; i < this.categories.length; i++) {
      if (this.stacked) max = Math.max(max, this.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
      else for (const s of this.series) max = Math.max(max, s.values[i] ?? 0)
    }
    return max
  }

  /** Each bar: its series, category, and where it starts and ends in values. */
  private bars (): Array<{ s: number, c: number, from: number, to: number }> {
    const out: Array<{ s: number, c: number, from: number, to: number }> = []
    for (let c = 0; c < this.categories.length; c++) {
      let base = 0
      this.series.forEach((series, s) => {
        const value = series.values[c] ?? 0
        if (value <= 0) return
        out.push({ s, c, from: this.stacked ? base : 0, to: this.stacked ? base + value : value })
        base += value
      })
    }
    return out
  }

  private barTitle (s: number, c: number): string {
    const series = this.series[s]!
    return `${this.series.length > 1 ? `${series.label}, ` : ''}${this.categories[c]}: ${this.format(series.values[c] ?? 0)}`
  }

  private upright () {
    const n = this.categories.length
    const f: Frame = { width: this.size.width, height: 260, left: 56, right: 16, top: 12, bottom: 44 }
    const ticks = niceTicks(this.max())
    const y = linear(0, ticks.at(-1)!, plotBottom(f), f.top)
    const band = plotWidth(f) / Math.max(n, 1)
    const groups = this.stacked ? 1 : Math.max(this.series.length, 1)
    const barWidth = (band * 0.75) / groups
    const middle = (i: number) => f.left + band * (i + 0.5)
    return svg`
      ${yAxis(f, { ticks, at: y, label: this.valueLabel, format: this.format })}
      ${this.bars().map(({ s, c, from, to }) => {
        const x = f.left + band * c + band * 0.125 + (this.stacked ? 0 : s * barWidth)
        return svg`<rect class="bar s${s % SERIES}" data-series=${s} data-category=${c} x=${x} y=${y(to)} width=${barWidth} height=${Math.max(y(from) - y(to), 0.5)}
          ><title>${this.barTitle(s, c)}</title></rect>`
      })}
      ${xCategoryAxis(f, this.categories, middle, labelEvery(n, plotWidth(f), 80), this.categoryLabel)}`
  }

  private lying () {
    const n = this.categories.length
    const f: Frame = { width: this.size.width, height: 12 + Math.max(n, 1) * ROW + 40, left: Math.min(170, Math.round(this.size.width * 0.35)), right: 24, top: 12, bottom: 40 }
    const ticks = niceTicks(this.max())
    const x = linear(0, ticks.at(-1)!, f.left, f.width - f.right)
    const groups = this.stacked ? 1 : Math.max(this.series.length, 1)
    const barHeight = (ROW * 0.7) / groups
    const short = (text: string) => text.length > 26 ? `${text.slice(0, 25)}…` : text
    return svg`
      ${xValueAxis(f, { ticks, at: x, label: this.valueLabel, format: this.format })}
      <g class="axis y" aria-hidden="true">
        ${this.categories.map((label, i) => svg`<text x=${f.left - 8} y=${f.top + ROW * (i + 0.5)} text-anchor="end" dominant-baseline="middle">${short(label)}</text>`)}
        <line class="domain" x1=${f.left} x2=${f.left} y1=${f.top} y2=${plotBottom(f)}></line>
      </g>
      ${this.bars().map(({ s, c, from, to }) => {
        const top = f.top + ROW * c + ROW * 0.15 + (this.stacked ? 0 : s * barHeight)
        return svg`<rect class="bar s${s % SERIES}" data-series=${s} data-category=${c} x=${x(from)} y=${top} width=${Math.max(x(to) - x(from), 0.5)} height=${barHeight}
          ><title>${this.barTitle(s, c)}</title></rect>`
      })}`
  }

  override render () {
    const height = this.horizontal ? 12 + Math.max(this.categories.length, 1) * ROW + 40 : 260
    const rows = this.categories.map((category, c) => {
      const values = this.series.map((s) => this.format(s.values[c] ?? 0))
      const total = this.series.reduce((sum, s) => sum + (s.values[c] ?? 0), 0)
      return this.stacked && this.series.length > 1 ? [category, ...values, this.format(total)] : [category, ...values]
    })
    const headers = [this.categoryLabel, ...this.series.map((s) => s.label), ...(this.stacked && this.series.length > 1 ? ['Σ'] : [])]
    return html`<figure>
      ${this.horizontal ? nothing : axisTitles(this.valueLabel)}
      <svg class="chart" viewBox="0 0 ${this.size.width} ${height}" role="img" aria-label=${this.caption}>
        ${this.horizontal ? this.lying() : this.upright()}
      </svg>
      ${this.series.length > 1 ? legend(this.series.map((s, i) => ({ label: s.label, kind: 'bar', swatch: `s${i % SERIES}` }))) : nothing}
      ${dataTable(this.caption, headers, rows)}
    </figure>`
  }
}

declare global {
  interface HTMLElementTagNameMap { 'rfam-bar-chart': BarChart }
}
