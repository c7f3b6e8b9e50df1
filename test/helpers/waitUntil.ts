// Waiting in tests without reading the clock: on an event when the code has one, otherwise a
// poll whose bound is a number of checks, so a slow machine fails with a clear message instead
// of hanging, and a fast one never sleeps longer than one interval past the condition.
import { setTimeout as delay } from 'node:timers/promises';

/** Checks `condition` every `intervalMs` until it holds; fails after `checks` checks. */
export async function pollUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { checks = 500, intervalMs = 10 } = {},
): Promise<void> {
  for (let i = 0; i < checks; i++) {
    if (await condition()) return;
    await delay(intervalMs);
  }
  if (!(await condition())) throw new Error(`gave up waiting for ${what} after ${checks} checks ${intervalMs} ms apart`);
}

/** The next value a subscription delivers (`onDid…(listener)` returning a disposable or an unsubscribe). */
export async function nextEvent<T>(subscribe: (listener: (value: T) => void) => { dispose(): void } | (() => void) | void): Promise<T> {
  let deliver!: (value: T) => void;
  const delivered = new Promise<T>((resolve) => (deliver = resolve));
  const subscription = subscribe((value) => deliver(value));
  try {
    return await delivered;
  } finally {
    if (typeof subscription === 'function') subscription();
    else subscription?.dispose();
  }
}
