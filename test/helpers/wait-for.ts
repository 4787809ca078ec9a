// Polls until a condition holds (or gives up after `timeoutMs`), returning how long it took.
// Used where a change travels through file watching; tests assert the outcome, never the time.
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 20): Promise<number> {
  const start = performance.now()
  for (;;) {
    if (await check()) return performance.now() - start
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
}
