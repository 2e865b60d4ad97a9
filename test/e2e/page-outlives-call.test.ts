import { expect, it } from "vitest";
import { useApprovalPages } from "../helpers/approval-page.js";
import { describeInChromium } from "../helpers/chromium.js";
import { type SpawnedServer, useWoodpecker } from "../helpers/spawn.js";
import { waitFor } from "../helpers/wait.js";

// The approval page outlives the call that opened it, as it must for clients that end a tool
// call after about 60 seconds whatever the server does (Claude Desktop, claude.ai). The client
// here is the SDK's own, with its default 60 s request timeout and no progress handling; the call's
// wait for the person is shortened by WOODPECKER_PAGE_WAIT_MS, the person is Debian's Chromium.

const e2e = useWoodpecker();
const pages = useApprovalPages(e2e);

/** A server whose calls wait for the page only briefly, then answer awaiting_person. */
const start = (env: Record<string, string> = {}) =>
  pages.start({ WOODPECKER_PAGE_WAIT_MS: "200", ...env });

const audit = (server: SpawnedServer) =>
  server.logEntries().filter((entry) => entry.audit !== undefined);

describeInChromium("the approval page outlives the call", () => {
  it("the person answers after the call returned: one DELETE, sent with no call in flight, and the next call with the token reports it", async () => {
    const server = await start();
    const { result: first } = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(first).toMatchObject({
      ok: false,
      status: "confirmation_required",
      preview: { domain_name: "piedpiper.com", mailboxes_count: 3 },
      confirmation: { reason: "awaiting_person" },
    });
    expect(first.error).toBeUndefined();
    expect(first.message).toMatch(
      /^Not deleted yet: the user is being asked on an approval page in their browser to confirm deleting piedpiper.com and its 3 mailboxes/,
    );
    const token = first.confirmation?.preview_token ?? "";
    expect(first.confirmation?.hint).toContain(`preview_token set to "${token}"`);
    expect(first.confirmation?.hint).toMatch(/confirm is not needed/);
    // No call is in flight from here on: the person answers on the page alone.
    const page = await pages.answer(await pages.openedPage(), "piedpiper.com", "Delete for good");
    expect(await page.textContent("p.done")).toMatch(
      /^Woodpecker accepted the deletion of piedpiper.com and its 3 mailboxes/,
    );
    expect(e2e.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
    const { result: next } = await server.call("delete_domain", {
      domain_name: "piedpiper.com",
      preview_token: token,
    });
    expect(next).toMatchObject({
      ok: true,
      status: "deletion_accepted",
      confirmed_by: "page",
      http_status: 202,
    });
    expect(e2e.woodpecker.sent("DELETE")).toHaveLength(1);
    expect(audit(server).map((entry) => [entry.audit, entry.outcome ?? entry.request])).toEqual([
      ["outcome", "confirmation_required"],
      ["intent", "DELETE /domains/piedpiper.com"],
      ["outcome", "deletion_accepted"],
      ["outcome", "deletion_accepted"],
    ]);
  });

  it("a call for a target whose page is open opens no second page, and an agent's confirm does not count", async () => {
    const server = await start();
    const [one, two] = await Promise.all([
      server.call("delete_domain", { domain_name: "hooli.com" }),
      server.call("delete_domain", { domain_name: "hooli.com" }),
    ]);
    for (const { result } of [one, two]) {
      expect(result.confirmation?.reason).toBe("awaiting_person");
    }
    const { result: relayed } = await server.call("delete_domain", {
      domain_name: "hooli.com",
      confirm: "hooli.com",
      preview_token: one.result.confirmation?.preview_token,
    });
    expect(relayed).toMatchObject({
      status: "confirmation_required",
      confirmation: { reason: "awaiting_person" },
    });
    expect(pages.openedCount()).toBe(1);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("Cancel after the call returned: the next call with the token learns the person's no", async () => {
    const server = await start();
    const { result: first } = await server.call("delete_domain", { domain_name: "hooli.com" });
    await pages.answer(await pages.openedPage(), undefined, "Cancel");
    const { result } = await server.call("delete_domain", {
      domain_name: "hooli.com",
      preview_token: first.confirmation?.preview_token,
    });
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/the user declined the approval page/);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a token handed out while a page asks never confirms as an agent's relayed yes, in another process either", async () => {
    const server = await start();
    const { result: first } = await server.call("delete_domain", { domain_name: "hooli.com" });
    await pages.answer(await pages.openedPage(), undefined, "Cancel");
    // A process with no page: only the agent's channel, which must not take the page's token.
    const other = await e2e.spawn({ env: e2e.env({ WOODPECKER_APPROVAL: "off" }) });
    const { result } = await other.call("delete_domain", {
      domain_name: "hooli.com",
      confirm: "hooli.com",
      preview_token: first.confirmation?.preview_token,
    });
    expect(result.error?.kind).toBe("confirmation_mismatch");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a call still waiting when the person answers gets the outcome itself", async () => {
    const server = await start({ WOODPECKER_PAGE_WAIT_MS: "600000" });
    const first = server.call("delete_domain", { domain_name: "hooli.com" });
    const url = await pages.openedPage();
    // This call reports progress, so that the test can tell it is waiting on the page.
    let waiting = false;
    const second = server.client.callTool(
      { name: "delete_domain", arguments: { domain_name: "hooli.com" } },
      undefined,
      { onprogress: () => (waiting = true) },
    );
    await waitFor(() => waiting, { what: "the second call to wait on the page" });
    await pages.answer(url, "hooli.com", "Delete for good");
    const results = [(await first).result, (await second).structuredContent];
    for (const result of results) {
      expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "page" });
    }
    expect(e2e.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/hooli.com"]);
  });

  it("a DELETE the page sent is drained and audited at shutdown", async () => {
    const server = await start();
    await server.call("delete_domain", { domain_name: "piedpiper.com" });
    e2e.woodpecker.faults.push({ type: "hold", method: "DELETE" });
    const page = await pages.visit(await pages.openedPage());
    await page.fill("#confirmation", "piedpiper.com");
    const pressed = page.click('button:has-text("Delete for good")');
    await waitFor(() => e2e.woodpecker.held === 1, { what: "the page's DELETE" });
    process.kill(server.pid ?? 0, "SIGTERM");
    await waitFor(() => server.stderr.join("").includes("shutting down"), { what: "the shutdown" });
    e2e.woodpecker.release();
    await pressed;
    await waitFor(() => !isRunning(server.pid ?? 0), { what: "the server to exit" });
    expect(audit(server).map((entry) => [entry.audit, entry.outcome ?? entry.request])).toEqual([
      ["outcome", "confirmation_required"],
      ["intent", "DELETE /domains/piedpiper.com"],
      ["outcome", "deletion_accepted"],
    ]);
    expect(await page.textContent("p.done")).toMatch(/^Woodpecker accepted the deletion/);
  });

  it("a page still asking at shutdown closes, and nothing is deleted", async () => {
    const server = await start();
    await server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await pages.openedPage();
    process.kill(server.pid ?? 0, "SIGTERM");
    await waitFor(() => !isRunning(server.pid ?? 0), { what: "the server to exit" });
    const page = await pages.context.newPage();
    await expect(page.goto(url)).rejects.toThrow(/ERR_CONNECTION_REFUSED/);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
