/**
 * At most one sync per kind at a time: a second request while one runs joins it and gets
 * the same result. Each run gets an AbortSignal so the host can cancel between pages.
 */
export class SyncCoordinator<Kind extends string> {
  private readonly running = new Map<Kind, { promise: Promise<unknown>; controller: AbortController }>();

  run<T>(kind: Kind, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const current = this.running.get(kind);
    if (current) return current.promise as Promise<T>;
    const controller = new AbortController();
    const promise = start(controller.signal).finally(() => this.running.delete(kind));
    this.running.set(kind, { promise, controller });
    return promise;
  }

  /** Whether a sync of this kind (of any kind, without one) is running. */
  isRunning(kind?: Kind): boolean {
    return kind === undefined ? this.running.size > 0 : this.running.has(kind);
  }

  /** Cancels one kind or every running sync; they stop after the page in flight. */
  cancel(kind?: Kind): void {
    for (const [k, entry] of this.running) if (!kind || k === kind) entry.controller.abort();
  }

  /** Resolves when nothing runs any more (errors are the callers' to see). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
  }
}
