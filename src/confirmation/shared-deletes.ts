import { ApiError } from "../woodpecker/api-error.js";

interface InFlight {
  done: Promise<unknown>;
  controller: AbortController;
  /** The calls waiting for this DELETE; it is aborted only once none is left. */
  waiting: number;
  /** How many attempts of the DELETE have left for Woodpecker so far. */
  attempts: number;
  onSent: Set<(attempts: number) => void>;
}

/** What the one call that sends a shared DELETE passes to it. */
export interface SharedSend {
  signal: AbortSignal;
  /** Call as each attempt of the DELETE leaves for Woodpecker: every waiting call learns it. */
  markSent: () => void;
}

/**
 * At most one DELETE per key in flight: a second call for the same key waits for the first one's
 * outcome instead of sending its own. A call cancelled while it waits stops waiting at once; the
 * DELETE itself is aborted only when every call waiting for it has been cancelled, so a cancelled
 * first caller never takes the others' DELETE with it.
 */
export class SharedDeletes {
  readonly #inFlight = new Map<string, InFlight>();

  async run<T>(
    key: string,
    caller: { signal: AbortSignal; onSent: (attempts: number) => void; onJoined: () => void },
    send: (shared: SharedSend) => Promise<T>,
  ): Promise<{ value: T; joined: boolean }> {
    // A call cancelled before it got here sends nothing and waits for nothing.
    if (caller.signal.aborted) throw new ApiError({ type: "cancelled" }, 0);
    let entry = this.#inFlight.get(key);
    const joined = entry !== undefined;
    if (entry === undefined) {
      const created: InFlight = {
        done: Promise.resolve(),
        controller: new AbortController(),
        waiting: 0,
        attempts: 0,
        onSent: new Set(),
      };
      const markSent = () => {
        created.attempts += 1;
        for (const listener of created.onSent) listener(created.attempts);
      };
      created.done = send({ signal: created.controller.signal, markSent }).finally(() =>
        this.#inFlight.delete(key),
      );
      // Nobody may be left waiting for it: its failure is then nobody's to handle.
      created.done.catch(() => undefined);
      this.#inFlight.set(key, created);
      entry = created;
    }
    if (joined) caller.onJoined();
    if (entry.attempts > 0) caller.onSent(entry.attempts);
    entry.onSent.add(caller.onSent);
    entry.waiting += 1;
    try {
      return { value: (await untilAborted(entry, caller.signal)) as T, joined };
    } finally {
      entry.onSent.delete(caller.onSent);
      entry.waiting -= 1;
      if (entry.waiting === 0) entry.controller.abort();
    }
  }
}

/** The DELETE's outcome, or, once the caller is cancelled, `cancelled` with what was sent by then. */
function untilAborted(entry: InFlight, signal: AbortSignal): Promise<unknown> {
  const cancelled = () =>
    new ApiError({ type: "cancelled" }, entry.attempts, {
      earlierMayHaveLanded: entry.attempts > 0,
    });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    entry.done.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
