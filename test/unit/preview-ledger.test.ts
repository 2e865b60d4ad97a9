import { describe, expect, it } from "vitest";
import { PREVIEW_TTL_MS, PreviewLedger } from "../../src/tools/preview-ledger.js";
import { SingleFlight } from "../../src/tools/single-flight.js";

describe("PreviewLedger", () => {
  it("remembers the mailboxes shown for ten minutes, as a set", () => {
    let now = 0;
    const ledger = new PreviewLedger(() => now);
    ledger.remember("piedpiper.com", ["B@x.com", "a@x.com", "b@x.com"]);
    expect(ledger.recall("piedpiper.com")).toEqual(["a@x.com", "b@x.com"]);
    now = PREVIEW_TTL_MS;
    expect(ledger.recall("piedpiper.com")).toBeDefined();
    now = PREVIEW_TTL_MS + 1;
    expect(ledger.recall("piedpiper.com")).toBeUndefined();
  });

  it("forgets on request, and keeps each domain apart", () => {
    const ledger = new PreviewLedger();
    ledger.remember("a.com", []);
    ledger.remember("b.com", ["x@b.com"]);
    ledger.forget("a.com");
    expect(ledger.recall("a.com")).toBeUndefined();
    expect(ledger.recall("b.com")).toEqual(["x@b.com"]);
  });

  it("keeps at most 1,000 domains, dropping the oldest", () => {
    const ledger = new PreviewLedger();
    for (let i = 0; i <= 1_000; i += 1) ledger.remember(`d${i}.com`, []);
    expect(ledger.recall("d0.com")).toBeUndefined();
    expect(ledger.recall("d1.com")).toEqual([]);
  });
});

describe("SingleFlight", () => {
  it("lets a second caller for the same key join the first", async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const work = () => new Promise<number>((resolve) => setTimeout(() => resolve(++runs), 20));
    const [a, b, c] = await Promise.all([
      flight.run("x", work),
      flight.run("x", work),
      flight.run("y", work),
    ]);
    expect([a.joined, b.joined, c.joined]).toEqual([false, true, false]);
    expect(a.value).toBe(b.value);
    expect(runs).toBe(2);
    expect((await flight.run("x", work)).joined).toBe(false);
  });

  it("shares a failure, then lets the next call run", async () => {
    const flight = new SingleFlight<number>();
    const fail = () =>
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error("no")), 10));
    const results = await Promise.allSettled([flight.run("x", fail), flight.run("x", fail)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect((await flight.run("x", async () => 1)).value).toBe(1);
  });
});
