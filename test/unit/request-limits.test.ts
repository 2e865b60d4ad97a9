import { describe, expect, it } from "vitest";
import { KeyLimits } from "../../src/sandbox/request-limits.js";
import { RequestQueue } from "../../src/woodpecker/request-queue.js";
import { waitFor } from "../helpers/wait.js";

describe("the sandbox's KeyLimits (Woodpecker's limits for one key)", () => {
  function requests(limits: KeyLimits, count: number) {
    const log: string[] = [];
    const done = Array.from({ length: count }, (_, index) =>
      limits.admit(
        () => log.push(`start ${index}`),
        () => log.push(`drop ${index}`),
      ),
    );
    return { log, done };
  }

  it("processes one at a time, queues six in order, and drops the eighth at once", () => {
    const { log, done } = requests(new KeyLimits(), 8);
    expect(log).toEqual(["start 0", "drop 7"]);
    done[0]?.();
    done[1]?.();
    expect(log).toEqual(["start 0", "drop 7", "start 1", "start 2"]);
  });

  it("drops a request that waited longer than the queue allows", async () => {
    const { log } = requests(new KeyLimits(20), 2);
    await waitFor(() => log.includes("drop 1"), { what: "the queued request to be dropped" });
    expect(log).toEqual(["start 0", "drop 1"]);
  });

  it("lets a queued request whose connection closed leave the queue", () => {
    const { log, done } = requests(new KeyLimits(), 3);
    done[1]?.();
    done[0]?.();
    expect(log).toEqual(["start 0", "start 2"]);
  });
});

describe("RequestQueue (this server's queue in front of them)", () => {
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
});
