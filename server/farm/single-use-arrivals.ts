// Single-use nodes a prenode said it started (its ack carries the run plan's count per job), and
// the work such nodes left behind. In memory only: after a restart the scheduler sizes runs by
// the nodes online, as it does for any node, and left-behind work is noticed again as it happens.
//
// - Each node still to come for a job is one more sharer of its frames: a single-use node takes
//   the frames left divided by the nodes still to come (scheduler.ts, runFrames), so 100 frames
//   for 16 planned nodes go out as 7, 7, 7, 7, 6 … and every node planned gets a run.
// - A single-use node that goes away (signed off, killed, timed out) with tasks of a job queued
//   again leaves work behind. Once no planned node of that job is still to come, the job is
//   offered again to the prenodes that started nodes for it (prenode-offers.ts), which start new
//   ones for what is left; while some are still to come, the next of them takes it.

export class SingleUseArrivals {
  /** Job id -> single-use nodes planned for it that have not taken a run yet. */
  private readonly coming = new Map<string, number>()
  /** Job id -> how often single-use nodes left work of it behind. */
  private readonly leftBehind = new Map<string, number>()
  /** Prenode name -> job id -> leftBehind when it last started nodes for the job. */
  private readonly covered = new Map<string, Map<string, number>>()

  /** A prenode started `nodes` single-use nodes for this job. */
  expect (prenode: string, job: string, nodes: number): void {
    if (nodes <= 0) return
    this.coming.set(job, (this.coming.get(job) ?? 0) + nodes)
    let jobs = this.covered.get(prenode)
    if (!jobs) this.covered.set(prenode, jobs = new Map())
    jobs.set(job, this.leftBehind.get(job) ?? 0)
  }

  /** Planned nodes of this job that have not taken a run yet. */
  stillComing (job: string): number { return this.coming.get(job) ?? 0 }

  /** A single-use node took a run of this job: one fewer to come. */
  took (job: string): void {
    const n = this.coming.get(job) ?? 0
    if (n <= 1) this.coming.delete(job)
    else this.coming.set(job, n - 1)
  }

  /**
   * A single-use node left having taken nothing (it came for work others took): one fewer to come
   * for the job it could have served that expects the most.
   */
  leftEmpty (fits: (job: string) => boolean): void {
    let best: string | null = null
    for (const [job, n] of this.coming) if (fits(job) && (best === null || n > this.coming.get(best)!)) best = job
    if (best !== null) this.took(best)
  }

  /** A single-use node went away and tasks of this job were queued again. */
  left (job: string): void {
    this.leftBehind.set(job, (this.leftBehind.get(job) ?? 0) + 1)
  }

  /**
   * Whether this prenode, which started nodes for the job before, should start nodes for it again:
   * its nodes left work behind since, and none of the nodes planned is still to come.
   */
  owed (prenode: string, job: string): boolean {
    const seen = this.covered.get(prenode)?.get(job)
    const left = this.leftBehind.get(job) ?? 0
    // After a restart nothing is remembered: work left behind since still counts.
    return left > (seen ?? 0) && this.stillComing(job) === 0
  }

  /** The job is gone (removed): nothing about it is kept. */
  forget (job: string): void {
    this.coming.delete(job)
    this.leftBehind.delete(job)
    for (const jobs of this.covered.values()) jobs.delete(job)
  }
}
