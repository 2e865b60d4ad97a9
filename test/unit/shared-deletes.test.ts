import { describe, expect, it } from "vitest";
import { SharedDeletes } from "../../src/confirmation/shared-deletes.js";
import { ApiError } from "../../src/woodpecker/api-error.js";

const caller = (signal: AbortSignal) => ({
  signal,
  onSent: () => undefined,
  onJoined: () => undefined,
});

describe("one DELETE per key in flight", () => {
  it("a call already cancelled sends nothing, and leaves nothing behind for the next", async () => {
    const deletes = new SharedDeletes();
    const sent: string[] = [];
    const cancelled = AbortSignal.abort();
    const refused = deletes.run("k", caller(cancelled), async () => sent.push("first"));
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ reason: { type: "cancelled" }, attempts: 0 });
    const next = await deletes.run("k", caller(new AbortController().signal), async () =>
      sent.push("second"),
    );
    expect(next).toEqual({ value: 1, joined: false });
    expect(sent).toEqual(["second"]);
  });
});
