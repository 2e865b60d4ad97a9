import { describe, expect, it } from "vitest";
import { RequestQueue, WOODPECKER_ACCEPTS } from "../../src/woodpecker/request-queue.js";
import { waitFor } from "../helpers/wait.js";

/**
 * A signal from another implementation, which still calls a listener that was removed (as some
 * polyfills do): the queue must not rely on the removal.
 */
type Listener = (event: Event) => void;

class ForgetfulSignal extends EventTarget {
  aborted = false;
  reason: unknown = undefined;
  readonly #listeners: Listener[] = [];
  override addEventListener(_type: string, listener: Listener): void {
    this.#listeners.push(listener);
  }
  override removeEventListener(): void {}
  abort(reason: unknown): void {
    this.aborted = true;
    this.reason = reason;
    for (const listener of this.#listeners) listener(new Event("abort"));
  }
}

/** A real signal that counts the abort listeners still on it. */
class CountedSignal extends EventTarget {
  readonly aborted = false;
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget["addEventListener"]>): void {
    if (args[0] === "abort") this.listeners += 1;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget["removeEventListener"]>): void {
    if (args[0] === "abort") this.listeners -= 1;
    super.removeEventListener(...args);
  }
}

const never = () => new AbortController().signal;

describe("RequestQueue", () => {
  it("lets `limit` requests out at once, the next in order as each is answered", async () => {
    const queue = new RequestQueue(2);
    const signal = new AbortController().signal;
    const granted: number[] = [];
    const releases = [0, 1, 2, 3].map((index) =>
      queue.acquire(signal).then((release) => {
        granted.push(index);
        return release;
      }),
    );
    await waitFor(() => granted.length === 2, { what: "the first two" });
    expect(queue.outstanding).toBe(2);
    (await releases[0])?.();
    await waitFor(() => granted.length === 3, { what: "the third" });
    (await releases[1])?.();
    await waitFor(() => granted.length === 4, { what: "the fourth" });
    expect(granted).toEqual([0, 1, 2, 3]);
  });

  it("gives up on a request whose call ran out of time while it waited", async () => {
    const queue = new RequestQueue(1);
    const first = await queue.acquire(new AbortController().signal);
    const late = queue.acquire(AbortSignal.timeout(20));
    await expect(late).rejects.toThrow(/timeout|time/i);
    first();
    expect(queue.outstanding).toBe(0);
  });

  it("drops a waiting request whose call is cancelled: it is never let out", async () => {
    const queue = new RequestQueue(1);
    const first = await queue.acquire(new AbortController().signal);
    const cancel = new AbortController();
    const waiting = queue.acquire(cancel.signal);
    const next = queue.acquire(new AbortController().signal);
    cancel.abort(new Error("cancelled by the client"));
    await expect(waiting).rejects.toThrow("cancelled by the client");
    first();
    const release = await next;
    expect(queue.outstanding).toBe(1);
    release();
    release();
    expect(queue.outstanding).toBe(0);
  });

  it("an abort that reaches a request already let out takes no waiting request's place", async () => {
    const queue = new RequestQueue(1);
    const stray = new ForgetfulSignal();
    const first = await queue.acquire(never());
    const second = queue.acquire(stray as unknown as AbortSignal);
    const granted: string[] = [];
    const third = queue.acquire(never()).then((release) => {
      granted.push("third");
      return release;
    });
    first();
    const releaseSecond = await second;
    stray.abort(new Error("too late"));
    releaseSecond();
    await third;
    expect(granted).toEqual(["third"]);
    expect(queue.outstanding).toBe(1);
  });

  it("a signal already aborted is refused at once, and takes no place", async () => {
    const queue = new RequestQueue(1);
    const cancel = new AbortController();
    cancel.abort(new Error("cancelled before"));
    await expect(queue.acquire(cancel.signal)).rejects.toThrow("cancelled before");
    expect(queue.outstanding).toBe(0);
  });

  it("lets exactly `limit` out: the next waits until one is answered", async () => {
    const queue = new RequestQueue(1);
    const first = await queue.acquire(never());
    let waited = true;
    const next = queue.acquire(never()).then((release) => {
      waited = false;
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect([waited, queue.outstanding]).toEqual([true, 1]);
    first();
    (await next)();
    expect([waited, queue.outstanding]).toEqual([false, 0]);
  });

  it("a request let out leaves no listener on its call's signal", async () => {
    const queue = new RequestQueue(1);
    const first = await queue.acquire(never());
    const signal = new CountedSignal();
    const waiting = queue.acquire(signal as unknown as AbortSignal);
    expect(signal.listeners).toBe(1);
    first();
    (await waiting)();
    expect(signal.listeners).toBe(0);
  });

  it("knows Woodpecker's own limit: one request processed and six queued per key", () => {
    expect(WOODPECKER_ACCEPTS).toBe(7);
  });
});
