import {
  type ElicitRequestURLParams,
  ElicitationCompleteNotificationSchema,
  ElicitRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInChromium, launchChromium } from "../helpers/chromium.js";
import {
  confirmOnPage,
  OPERATOR_TOKEN,
  signedInAgent,
  signIn,
  TestOAuthClient,
  useOAuthReplicas,
} from "../helpers/oauth.js";
import { TEST_KEY } from "../helpers/stand-in.js";
import { waitFor } from "../helpers/wait.js";

// Remote mode with OAuth, for a client that declared URL-mode elicitation: the client shows the
// person the server's approval page while the call waits, as the MCP spec has it. The server is
// stateless: what the client declared reaches every request through its sealed session id.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser.close());
const oauth = useOAuthReplicas({ otherKeys: [], env: { WOODPECKER_APPROVAL: "auto" } });
const withServerKey = () =>
  oauth.replica({
    WOODPECKER_API_KEY: TEST_KEY,
    WOODPECKER_HTTP_TOKENS: OPERATOR_TOKEN,
    WOODPECKER_CONFIRMATION: "person",
  });

describeInChromium("OAuth: the approval page's address through the client (URL mode)", () => {
  it("the client shows the person the page while the call waits; their yes there is the call's answer", async () => {
    const server = await withServerKey();
    const { person, agent } = await signedInAgent(browser, server.url, OPERATOR_TOKEN, {
      elicitation: { url: {} },
    });
    const shown: ElicitRequestURLParams[] = [];
    agent.client.setRequestHandler(ElicitRequestSchema, (request) => {
      if (request.params.mode === "url") shown.push(request.params);
      return { action: "accept" };
    });
    const completed: string[] = [];
    agent.client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
      completed.push(notification.params.elicitationId);
    });

    const call = agent.call("delete_domain", { domain_name: "piedpiper.com" });
    await waitFor(() => shown.length === 1, { what: "the client to show the page's address" });
    const asked = shown[0];
    if (asked === undefined) throw new Error("nothing shown");
    expect(asked.url.startsWith(`${server.url}/approve/`)).toBe(true);
    expect(asked.message).toContain("piedpiper.com");
    expect(oauth.woodpecker.sent("DELETE")).toEqual([]);

    await confirmOnPage(person, asked.url, "piedpiper.com");
    const { result } = await call;
    expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "url" });
    expect(completed).toEqual([asked.elicitationId]);
    const deletes = oauth.woodpecker.requests.filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.headers["x-api-key"])).toEqual([TEST_KEY]);
    await agent.close();
    const outcome = server.logEntries().find((entry) => entry.audit === "outcome");
    expect(outcome).toMatchObject({ outcome: "deletion_accepted", confirmed_by: "url" });
  });

  it("a client that did not declare URL mode gets the link in the result at once", async () => {
    const server = await withServerKey();
    const { agent } = await signedInAgent(browser, server.url, OPERATOR_TOKEN);
    const asked = await agent.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(asked.result.confirmation).toMatchObject({ reason: "awaiting_person" });
    expect(asked.result.confirmation?.approval_url).toMatch(/\/approve\//);
    await agent.close();
  });

  it("the client's consent, sent back in a request of its own, is acknowledged by whichever replica gets it", async () => {
    const server = await withServerKey();
    const provider = new TestOAuthClient();
    await signIn(await browser.newContext(), server.url, provider, OPERATOR_TOKEN);
    const consent = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${provider.saved?.access_token ?? ""}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 0, result: { action: "accept" } }),
    });
    expect(consent.status).toBe(202);
    expect(server.logEntries().filter((entry) => Number(entry.level) >= 40)).toEqual([]);
  });
});
