import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or rejects as soon as `signal` aborts; tests inject one that moves a fake clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The one real sleep of the HTTP clients: Node's timer, rejecting with an AbortError on abort. */
export const abortableSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });
