// Waiting in tests without sleeping: on an event when the code has one, otherwise a poll whose
// bound is a number of checks. Either way a slow machine fails with a clear message instead of
// hanging, and a fast one never waits longer than one interval past the condition.
//
// The timers are the real ones, taken when this module loads: a test that runs the code under
// test on node:test's mock.timers still has a wait that ends (and keeps the process alive while
// it waits, which an unref'd timer of the code under test would not).
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const pause = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/** Checks `condition` every `intervalMs` until it holds; fails after `checks` checks. */
export async function pollUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { checks = 500, intervalMs = 10 } = {},
): Promise<void> {
  for (let i = 0; i < checks; i++) {
    if (await condition()) return;
    await pause(intervalMs);
  }
  if (!(await condition())) throw new Error(`gave up waiting for ${what} after ${checks} checks ${intervalMs} ms apart`);
}

type Subscription = { dispose(): void } | (() => void) | void;

/**
 * The next value a subscription delivers (`onDid…(listener)` returning a disposable or an
 * unsubscribe). Subscribe before doing what fires it. Fails after `limitMs` without one.
 */
export async function nextEvent<T>(what: string, subscribe: (listener: (value: T) => void) => Subscription, limitMs = 10_000): Promise<T> {
  let deliver!: (value: T) => void;
  let giveUp!: (reason: Error) => void;
  const delivered = new Promise<T>((resolve, reject) => {
    deliver = resolve;
    giveUp = reject;
  });
  const subscription = subscribe((value) => deliver(value));
  const bound = realSetTimeout(() => giveUp(new Error(`no ${what} within ${limitMs} ms`)), limitMs);
  try {
    return await delivered;
  } finally {
    realClearTimeout(bound);
    if (typeof subscription === 'function') subscription();
    else subscription?.dispose();
  }
}
