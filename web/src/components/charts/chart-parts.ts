// The parts every chart shares, as template functions over one plot area: value axes (left, and a
// second on the right), the category axis, the legend and the numbers as a table. Each chart is plain
// SVG drawn by Lit: no library, nothing drawn on a canvas, so it prints sharp, takes the page's colours
// and text size, and a screen reader gets the same numbers from the table under it.
import { css, html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit'
import { t } from '../../controllers/i18n.ts'

/** The drawing's size (the viewBox) and the plot area inside it. */
export interface Frame { width: number, height: number, left: number, right: number, top: number, bottom: number }

export const plotWidth = (f: Frame) => f.width - f.left - f.right
export const plotBottom = (f: Frame) => f.height - f.bottom

export interface ValueAxis {
  ticks: number[]
  /** Value → y (vertical charts) or x (horizontal ones). */
  at: (value: number) => number
  label: string
  format: (value: number) => string
}

/** A vertical value axis on the left (with grid lines across the plot) or on the right; its title is axisTitles()'. */
export function yAxis (f: Frame, axis: ValueAxis, side: 'left' | 'right' = 'left'): SVGTemplateResult {
  const x = side === 'left' ? f.left : f.width - f.right
  const dx = side === 'left' ? -6 : 6
  const anchor = side === 'left' ? 'end' : 'start'
  return svg`<g class="axis y ${side}" aria-hidden="true">
    ${axis.ticks.map((tick) => {
      const y = axis.at(tick)
      return svg`${side === 'left' ? svg`<line class="grid" x1=${f.left} x2=${f.width - f.right} y1=${y} y2=${y}></line>` : nothing}
        <text x=${x + dx} y=${y} text-anchor=${anchor} dominant-baseline="middle">${axis.format(tick)}</text>`
    })}
    <line class="domain" x1=${x} x2=${x} y1=${f.top} y2=${plotBottom(f)}></line>
  </g>`
}

/** A horizontal value axis under the plot (horizontal bar charts), with grid lines up the plot. */
export function xValueAxis (f: Frame, axis: ValueAxis): SVGTemplateResult {
  const y = plotBottom(f)
  return svg`<g class="axis x value" aria-hidden="true">
    ${axis.ticks.map((tick) => {
      const x = axis.at(tick)
      return svg`<line class="grid" x1=${x} x2=${x} y1=${f.top} y2=${y}></line>
        <text x=${x} y=${y + 16} text-anchor="middle">${axis.format(tick)}</text>`
    })}
    <line class="domain" x1=${f.left} x2=${f.width - f.right} y1=${y} y2=${y}></line>
    <text class="label" x=${f.left + plotWidth(f) / 2} y=${f.height - 6} text-anchor="middle">${axis.label}</text>
  </g>`
}

/** The category axis under the plot: a label under every `every`-th category's middle. */
export function xCategoryAxis (f: Frame, labels: string[], middleOf: (i: number) => number, every: number, title: string): SVGTemplateResult {
  const y = plotBottom(f)
  return svg`<g class="axis x" aria-hidden="true">
    <line class="domain" x1=${f.left} x2=${f.width - f.right} y1=${y} y2=${y}></line>
    ${labels.map((label, i) => i % every === 0 || (every === 1)
      ? svg`<line class="tick" x1=${middleOf(i)} x2=${middleOf(i)} y1=${y} y2=${y + 4}></line>
        <text x=${middleOf(i)} y=${y + 16} text-anchor="middle">${label}</text>`
      : nothing)}
    <text class="label" x=${f.left + plotWidth(f) / 2} y=${f.height - 6} text-anchor="middle">${title}</text>
  </g>`
}

/**
 * The titles of the value axes, above the chart: read across (no turned text to tilt one's head at),
 * left over the left axis and right over the right one.
 */
export function axisTitles (left: string, right?: string): TemplateResult {
  return html`<div class="axis-titles" aria-hidden="true"><span class="axis-title left">${left}</span>${right ? html`<span class="axis-title right">${right}</span>` : nothing}</div>`
}

export interface LegendItem { label: string, kind: 'bar' | 'line' | 'gap', swatch: string }

/** What each colour or mark means (paired with words, never colour alone). */
export function legend (items: LegendItem[]): TemplateResult {
  return html`<ul class="legend" aria-label=${t('charts:legend')}>
    ${items.map((item) => html`<li><span class="swatch ${item.kind} ${item.swatch}" aria-hidden="true"></span>${item.label}</li>`)}
  </ul>`
}

/** The chart's numbers as a table, folded away under the chart (open it, print it, read it aloud). */
export function dataTable (caption: string, headers: string[], rows: Array<Array<string | number>>): TemplateResult {
  return html`<details class="numbers">
    <summary>${t('charts:numbers')}</summary>
    <table>
      <caption class="visually-hidden">${caption}</caption>
      <thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
      <tbody>${rows.map((row) => html`<tr>${row.map((cell, i) => i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`)}</tr>`)}</tbody>
    </table>
  </details>`
}

/** Colours of up to eight series (told apart by people with the common colour blindnesses too). */
export const SERIES = 8

export const chartStyles = css`
  :host {
    --rfam-chart-0: #3730a3; --rfam-chart-1: #e69f00; --rfam-chart-2: #009e73; --rfam-chart-3: #cc79a7;
    --rfam-chart-4: #56b4e9; --rfam-chart-5: #d55e00; --rfam-chart-6: #6b6e85; --rfam-chart-7: #f0e442;
  }
  figure { margin: 0; }
  svg.chart { display: block; width: 100%; height: auto; overflow: visible; font: inherit; }
  .axis-titles { display: flex; justify-content: space-between; gap: 12px; font-size: 13px; font-weight: 600; margin-bottom: 2px; }
  .axis text { font-size: 12px; fill: var(--rfam-muted); font-variant-numeric: tabular-nums; }
  .axis text.label { font-size: 13px; font-weight: 600; fill: var(--rfam-text); }
  .axis .domain, .axis .tick { stroke: var(--rfam-muted); stroke-width: 1; }
  .axis .grid { stroke: var(--rfam-border); stroke-width: 1; stroke-dasharray: 2 3; }
  .s0 { fill: var(--rfam-chart-0); background: var(--rfam-chart-0); stroke: var(--rfam-chart-0); }
  .s1 { fill: var(--rfam-chart-1); background: var(--rfam-chart-1); stroke: var(--rfam-chart-1); }
  .s2 { fill: var(--rfam-chart-2); background: var(--rfam-chart-2); stroke: var(--rfam-chart-2); }
  .s3 { fill: var(--rfam-chart-3); background: var(--rfam-chart-3); stroke: var(--rfam-chart-3); }
  .s4 { fill: var(--rfam-chart-4); background: var(--rfam-chart-4); stroke: var(--rfam-chart-4); }
  .s5 { fill: var(--rfam-chart-5); background: var(--rfam-chart-5); stroke: var(--rfam-chart-5); }
  .s6 { fill: var(--rfam-chart-6); background: var(--rfam-chart-6); stroke: var(--rfam-chart-6); }
  .s7 { fill: var(--rfam-chart-7); background: var(--rfam-chart-7); stroke: var(--rfam-chart-7); }
  .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 8px 0 0; padding: 0; font-size: 0.9rem; }
  .legend li { display: flex; align-items: center; gap: 6px; }
  .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
  .swatch.line { height: 3px; border-radius: 2px; }
  .swatch.gap { background: none; border: 1px dashed var(--rfam-muted); }
  .numbers { margin-top: 8px; font-size: 0.9rem; max-width: 100%; overflow-x: auto; }
  .numbers summary { cursor: pointer; color: var(--rfam-accent); min-height: 40px; display: inline-flex; align-items: center; }
  .numbers table { border-collapse: collapse; margin-top: 6px; }
  .numbers th, .numbers td { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--rfam-surface-2); font-variant-numeric: tabular-nums; }
  .numbers th[scope='row'], .numbers thead th:first-child { text-align: left; }
  @media print {
    .numbers { display: none; }
    svg.chart { break-inside: avoid; }
  }
`
