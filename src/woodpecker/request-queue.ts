/** Woodpecker processes one request per key and queues six more: more than seven are dropped. */
export const WOODPECKER_QUEUE_LENGTH = 6;
export const WOODPECKER_ACCEPTS = 1 + WOODPECKER_QUEUE_LENGTH;
/** How long Woodpecker keeps a request in its queue before it drops it. */
export const WOODPECKER_QUEUE_WAIT_MS = 15_000;

/**
 * At most `limit` requests of one API key outstanding at Woodpecker; the others wait here, first
 * in, first out. A waiting request leaves the queue unsent when its call's signal aborts, and the
 * time it waits counts against its call's time budget (that signal carries the deadline).
 */
export class RequestQueue {
  readonly #limit: number;
  /** The grants of the waiting requests, in order; one leaves by itself, never by position. */
  readonly #waiting = new Set<() => void>();
  #outstanding = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Requests sent and not answered yet. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** Resolves with a release function once the request may go; rejects when `signal` aborts. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#outstanding < this.#limit) return Promise.resolve(this.#take());
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(this.#take());
      };
      const onAbort = () => {
        // A no-op for a request already let out: it takes no other request's place.
        if (this.#waiting.delete(grant)) reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort);
      this.#waiting.add(grant);
    });
  }

  #take(): () => void {
    this.#outstanding += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#outstanding -= 1;
      const [next] = this.#waiting;
      if (next === undefined) return;
      this.#waiting.delete(next);
      next();
    };
  }
}
