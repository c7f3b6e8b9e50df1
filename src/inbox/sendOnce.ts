/**
 * Sends keyed by the sender's id for one message (the webview's bubble), so that a retry, a
 * double click or a re-sent request after a reload never sends twice: while the first send is
 * in flight, and after it succeeded, the same key answers that send's result. A failed send is
 * forgotten, so the user's Retry does send (once). Bounded: the oldest keys go first.
 */
export class SendOnce<T> {
  private readonly entries = new Map<string, { promise: Promise<T>; settled: boolean }>();

  constructor(private readonly capacity = 500) {}

  /** `send` runs unless this key is in flight or already succeeded; `repeated` says which. */
  async run(key: string, send: () => Promise<T>): Promise<{ result: T; repeated: boolean }> {
    const known = this.entries.get(key);
    if (known) return { result: await known.promise, repeated: true };
    const entry = { promise: send(), settled: false };
    this.entries.set(key, entry);
    this.trim();
    try {
      const result = await entry.promise;
      entry.settled = true;
      return { result, repeated: false };
    } catch (err) {
      // Only the entry this call made: a newer send under the same key is not ours to drop.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw err;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private trim(): void {
    // Settled entries go first; one still in flight is dropped only if nothing else can be.
    while (this.entries.size > this.capacity) {
      let victim: string | undefined;
      for (const [key, entry] of this.entries) {
        if (entry.settled) {
          victim = key;
          break;
        }
      }
      this.entries.delete(victim ?? this.entries.keys().next().value!);
    }
  }
}
