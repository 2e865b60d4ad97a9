import { describe, expect, it } from "vitest";
import { useHarness } from "../helpers/harness.js";
import { jsonFault } from "../helpers/stand-in.js";

const start = useHarness();

const GAVIN = { domain_name: "hooli.com", email: "gavin@hooli.com" };

describe("delete_mailbox: an answer a retry made ambiguous is settled by one more read", () => {
  const retrying = { env: { WOODPECKER_MAX_RETRIES: "1" } };

  it("carried out and completed before the retry: not found, and the list no longer has it; accepted", async () => {
    const h = await start({ ...retrying, deletionMs: 0 });
    h.woodpecker.faults.push({ type: "process_then_reset", method: "DELETE" });
    const { result } = await h.confirmed("delete_mailbox", GAVIN);
    expect(result).toMatchObject({
      status: "deletion_accepted",
      verified_by_read: true,
      attempts: 2,
    });
    expect(result.message).toMatch(/a read afterwards no longer lists it/);
    expect(h.woodpecker.sent().slice(-3)).toEqual([
      "DELETE /domains/hooli.com/mailboxes/gavin%40hooli.com",
      "DELETE /domains/hooli.com/mailboxes/gavin%40hooli.com",
      "GET /domains/hooli.com/mailboxes",
    ]);
    expect(h.audit().at(-1)).toMatchObject({
      outcome: "deletion_accepted",
      verified_by_read: true,
    });
  });

  it("never carried out, yet not found on the retry while the list still has it: the error as it came", async () => {
    const h = await start(retrying);
    h.woodpecker.faults.push(
      { type: "reset", method: "DELETE" },
      jsonFault(
        404,
        { title: "Not Found", status: 404, details: "gone" },
        {},
        { method: "DELETE" },
      ),
    );
    const { result } = await h.confirmed("delete_mailbox", GAVIN);
    expect(result.error).toMatchObject({ kind: "not_found", reason: "mailbox_not_found" });
    expect(h.woodpecker.sent().at(-1)).toBe("GET /domains/hooli.com/mailboxes");
    expect(h.audit().at(-1)).toMatchObject({ verified_by_read: false });
  });
});
