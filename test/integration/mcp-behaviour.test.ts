import { describe, expect, it } from "vitest";
import { useHarness } from "../helpers/harness.js";
import { waitFor } from "../helpers/wait.js";

const start = useHarness();

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
}

describe("MCP behaviour", () => {
  it("a cancelled tool call aborts the DELETE in flight, is audited as cancelled, and the server stays healthy", async () => {
    const h = await start();
    const first = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    h.woodpecker.faults.push({ type: "hang", method: "DELETE" });
    const closed = h.woodpecker.nextConnectionClose();
    const controller = new AbortController();
    const args = {
      credential_id: 22334466,
      confirm: "22334466",
      preview_token: first.result.confirmation?.preview_token,
    };
    const call = h.client.callTool(
      { name: "delete_microsoft_credential", arguments: args },
      undefined,
      { signal: controller.signal },
    );
    await waitFor(() => h.woodpecker.sent("DELETE").length === 1);
    controller.abort();
    await expect(call).rejects.toThrow();
    await closed;
    await waitFor(() => h.audit().some((entry) => entry.outcome === "cancelled"));
    expect(h.audit().at(-1)).toMatchObject({ audit: "outcome", delete_sent: true });
    const { result } = await h.call("delete_microsoft_credential", args);
    expect(result.status).toBe("deleted");
  });

  it("answers 100 concurrent calls, each with its own result", async () => {
    const h = await start();
    const ids = Array.from({ length: 100 }, (_, index) => 5_000 + index);
    h.woodpecker.account.credentials.push(
      ...ids.map((id) => ({
        credential_id: id,
        name: `bulk ${id}`,
        tenant_id: "tenant",
        client_id: "client",
        secret_expires_at: "2027-01-01T00:00:00Z",
      })),
    );
    const outcomes = await Promise.all(
      ids.map((id) => h.confirmed("delete_microsoft_credential", { credential_id: id })),
    );
    expect(outcomes.map(({ result }) => [result.status, result.credential_id])).toEqual(
      ids.map((id) => ["deleted", id]),
    );
    expect(h.woodpecker.sent("DELETE")).toHaveLength(100);
    expect(h.woodpecker.account.credentials.map((c) => c.credential_id)).toEqual([
      22334455, 22334466, 22334477,
    ]);
  });

  it("leaves no timers and no connections behind: 100 more rounds of calls add none", async () => {
    const h = await start();
    const round = async () => {
      await h.call("delete_microsoft_credential", { credential_id: 1 });
      await h.confirmed("delete_microsoft_credential", { credential_id: 22334455 });
      await h.call("delete_domain", { domain_name: "nosuch.com", confirm: "nosuch.com" });
    };
    for (let warmUp = 0; warmUp < 10; warmUp += 1) await round();
    const [timers, connections] = [activeTimers(), h.woodpecker.openConnections];
    for (let more = 0; more < 100; more += 1) await round();
    // Per round: one read; a read, the confirming read and a DELETE; the two reads of a preview.
    expect(h.woodpecker.requests).toHaveLength(110 * 6);
    expect(activeTimers()).toBeLessThanOrEqual(timers);
    expect(h.woodpecker.openConnections).toBeLessThanOrEqual(Math.max(connections, 2));
  });
});
