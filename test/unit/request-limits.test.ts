import { describe, expect, it } from "vitest";
import { KeyLimits } from "../../src/sandbox/request-limits.js";
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
