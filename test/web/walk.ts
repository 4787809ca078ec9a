// A walk through the web UI as a first-time person makes it, goal by goal: the clicks of each goal
// counted (a choice in a list and a file chooser count as one click each; typing does not), the page
// each goal reaches checked as a first-time reader meets it (page-checks.ts) and remembered, so that
// the walk can go over the same pages again in German at the end.
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import type { Test } from 'tap'
import { checkPage, englishTexts } from './page-checks.ts'
import { settled } from './web-helper.ts'

/** A page a goal reached: where, and whose page it was (the German pass opens it as them). */
export interface Reached { goal: string, url: string, user: string }

export class Walk {
  /** The clicks of each goal, in the order the goals were walked. */
  readonly clicks: Record<string, number> = {}
  readonly reached: Reached[] = []
  private goal = ''

  constructor (private readonly t: Test, readonly page: Page) {}

  /** Starts counting a goal's clicks. */
  begin (goal: string): void {
    this.goal = goal
    this.clicks[goal] = 0
  }

  async click (target: Locator): Promise<void> {
    this.clicks[this.goal]!++
    await target.click()
  }

  async choose (target: Locator, value: string): Promise<void> {
    this.clicks[this.goal]!++
    await target.selectOption(value)
  }

  async files (target: Locator, content: Parameters<Locator['setInputFiles']>[0]): Promise<void> {
    this.clicks[this.goal]!++
    await target.setInputFiles(content)
  }

  /**
   * The page the goal reached, as it is now (English): nothing cut off, every select showing its choice
   * whole, nothing wider than the window. Remembered (as `user`'s page) for the German pass.
   */
  async check (user: string): Promise<void> {
    const where = `${this.goal} (${new URL(this.page.url()).pathname})`
    const found = await checkPage(this.page, [])
    this.t.same(found.cutOff, [], `${where}: no text cut off or out of its box`)
    this.t.same(found.narrowSelects, [], `${where}: every select shows its choice whole`)
    this.t.same(found.sideways, [], `${where}: the page does not scroll sideways`)
    this.reached.push({ goal: this.goal, url: this.page.url(), user })
    if (process.env.RFAM_SCREENSHOTS) {
      await this.page.screenshot({ path: join(process.env.RFAM_SCREENSHOTS, `walk-${this.reached.length}-${user}-${this.goal.replace(/\W+/g, '-')}.png`), fullPage: true })
    }
  }

  /** "clicks: log in 1, what now 0, …; 9 in all", for the test's closing comment. */
  summary (): string {
    const total = Object.values(this.clicks).reduce((a, b) => a + b, 0)
    return `clicks: ${Object.entries(this.clicks).map(([goal, n]) => `${goal} ${n}`).join(', ')}; ${total} in all`
  }
}

/**
 * Opens again, in German, each page `user` reached on the walk (once each), on `page` (logged in as
 * them, their language already German): the page is German, with no English words on it, nothing cut
 * off, no select too narrow and nothing wider than the window.
 */
export async function inGerman (t: Test, page: Page, reached: Reached[], user: string): Promise<void> {
  const english = englishTexts('de')
  const urls = [...new Set(reached.filter((r) => r.user === user).map((r) => r.url))]
  t.ok(urls.length > 0, `${user} reached pages to look at again`)
  for (const url of urls) {
    await page.goto(url)
    await settled(page)
    const where = `German, ${user}, ${new URL(url).pathname}${new URL(url).search}`
    t.equal(await page.evaluate(() => document.documentElement.lang), 'de', `${where}: the page is in German`)
    const found = await checkPage(page, english)
    if (process.env.RFAM_SCREENSHOTS) {
      await page.screenshot({ path: join(process.env.RFAM_SCREENSHOTS, `walk-de-${user}-${(new URL(url).pathname + new URL(url).search).replace(/\W+/g, '-')}.png`), fullPage: true })
    }
    t.same(found.english, [], `${where}: no English words`)
    t.same(found.cutOff, [], `${where}: no text cut off or out of its box`)
    t.same(found.narrowSelects, [], `${where}: every select shows its choice whole`)
    t.same(found.sideways, [], `${where}: the page does not scroll sideways`)
  }
}
