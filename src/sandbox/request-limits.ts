import { WOODPECKER_QUEUE_LENGTH, WOODPECKER_QUEUE_WAIT_MS } from "../woodpecker/request-queue.js";

// Woodpecker's documented request limits for one API key: it processes one request at a time,
// queues at most six more, each for at most 15 s, and drops the rest. It does not document the
// status of a dropped request; this simulation answers 429.

interface Queued {
  start: () => void;
  timer: NodeJS.Timeout;
}

/** The queue in front of one key's requests. */
export class KeyLimits {
  #busy = false;
  readonly #queue: Queued[] = [];
  readonly #waitMs: number;

  /** `waitMs` is for unit tests: Woodpecker's is 15 s. */
  constructor(waitMs = WOODPECKER_QUEUE_WAIT_MS) {
    this.#waitMs = waitMs;
  }

  /**
   * Calls `start` once the request may be processed, or `drop` when Woodpecker would drop it.
   * Returns what to call when its connection closes: the request is then done, or leaves the queue.
   */
  admit(start: () => void, drop: () => void): () => void {
    let started = false;
    const run = () => {
      started = true;
      start();
    };
    if (!this.#busy) {
      this.#busy = true;
      run();
    } else if (this.#queue.length >= WOODPECKER_QUEUE_LENGTH) {
      drop();
      return () => undefined;
    } else {
      const queued: Queued = {
        start: run,
        timer: setTimeout(() => {
          this.#leave(queued);
          drop();
        }, this.#waitMs).unref(),
      };
      this.#queue.push(queued);
      return () => (started ? this.#next() : this.#leave(queued));
    }
    return () => this.#next();
  }

  #leave(queued: Queued): void {
    const index = this.#queue.indexOf(queued);
    if (index === -1) return;
    this.#queue.splice(index, 1);
    clearTimeout(queued.timer);
  }

  #next(): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.#busy = false;
      return;
    }
    clearTimeout(next.timer);
    next.start();
  }
}
