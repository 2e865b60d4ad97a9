import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../helpers/harness.js";
import { waitFor } from "../helpers/wait.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
}

describe("MCP behaviour", () => {
  it("a cancelled tool call aborts the HTTP request, and the server stays healthy", async () => {
    const h = (harness = await startHarness());
    h.woodpecker.faults.push({ type: "hang" });
    const closed = h.woodpecker.nextConnectionClose();
    const controller = new AbortController();
    const call = h.client.callTool(
      { name: "delete_microsoft_credential", arguments: { credential_id: 22334466 } },
      undefined,
      { signal: controller.signal },
    );
    await waitFor(() => h.woodpecker.requests.length === 1);
    controller.abort();
    await expect(call).rejects.toThrow();
    await closed;
    await waitFor(() => h.logs.some((line) => line.includes('"outcome":"cancelled_by_user"')));
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.status).toBe("deleted");
  });

  it("answers 100 concurrent calls, each with its own result", async () => {
    const h = (harness = await startHarness());
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
      ids.map((id) => h.call("delete_microsoft_credential", { credential_id: id })),
    );
    expect(outcomes.map(({ result }) => [result.status, result.credential_id])).toEqual(
      ids.map((id) => ["deleted", id]),
    );
    expect(h.woodpecker.requests).toHaveLength(100);
    expect(h.woodpecker.account.credentials.map((c) => c.credential_id)).toEqual([
      22334455, 22334466, 22334477,
    ]);
  });

  it("leaves no timers and no extra connections behind after many calls", async () => {
    const h = (harness = await startHarness());
    await h.call("delete_microsoft_credential", { credential_id: 1 });
    const timersBefore = activeTimers();
    for (let round = 0; round < 100; round += 1) {
      await h.call("delete_microsoft_credential", { credential_id: 1 });
      await h.call("delete_microsoft_credential", { credential_id: 22334455 });
      await h.call("delete_domain", { domain_name: "nosuch.com", confirm: "nosuch.com" });
    }
    expect(h.woodpecker.requests).toHaveLength(301);
    expect(activeTimers() - timersBefore).toBeLessThanOrEqual(2);
    expect(h.woodpecker.openConnections).toBeLessThanOrEqual(2);
  });
});
