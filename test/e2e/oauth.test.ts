import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInChromium, launchChromium } from "../helpers/chromium.js";
import {
  answerSignIn,
  OPERATOR_TOKEN,
  signedInAgent,
  signIn,
  TestOAuthClient,
  useOAuthReplicas,
} from "../helpers/oauth.js";
import { connectHttp } from "../helpers/remote.js";
import { TEST_KEY } from "../helpers/stand-in.js";

// Remote mode with OAuth, through the built bin: the SDK's own OAuth client signs in, and
// Chromium plays the person on the server's sign-in page. (oauth-attacks.test.ts: what a stolen
// or forged credential would try.)

const TOKEN = OPERATOR_TOKEN;
const OTHER_KEY = "wp-other-account-key-42";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser.close());
const oauth = useOAuthReplicas({ otherKeys: [OTHER_KEY] });
const { withServerKey, withoutServerKey } = oauth;

describeInChromium("OAuth: signing in and calling tools", () => {
  it("with the server's key: the page names the client, the person enters a token, the client calls tools", async () => {
    const server = await withServerKey();
    const unsigned = await fetch(`${server.url}/mcp`, { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("www-authenticate")).toContain(
      `resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    // Also at the root, for clients that look there first.
    for (const path of ["/mcp", ""]) {
      const metadata = await fetch(`${server.url}/.well-known/oauth-protected-resource${path}`);
      expect(await metadata.json()).toMatchObject({ resource: `${server.url}/mcp` });
    }

    const provider = new TestOAuthClient();
    const back = await signIn(await browser.newContext(), server.url, provider, TOKEN);
    expect(back.iss).toBe(`${server.url}/`);
    const session = await connectHttp(server.url, {}, {}, provider);
    const { result } = await session.call("list_domains");
    expect(result.ok).toBe(true);
    const deleted = await session.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    expect(deleted.result.status).toBe("deletion_accepted");
    await session.close();
    expect(oauth.woodpecker.sent("DELETE")).toHaveLength(1);
    const deletes = oauth.woodpecker.requests.filter((request) => request.method === "DELETE");
    expect(deletes[0]?.headers["x-api-key"]).toBe(TEST_KEY);
    const outcome = server.logEntries().find((entry) => entry.audit === "outcome");
    expect(outcome?.oauth_client).toMatch(/^[0-9a-f]{16}$/);
  });

  it("shows the page escaped, with the redirect host and what the client could do; Deny sends access_denied with iss", async () => {
    const server = await withServerKey();
    const provider = new TestOAuthClient();
    await auth(provider, { serverUrl: `${server.url}/mcp` });
    const url = provider.authorizationUrl;
    if (url === undefined) throw new Error("no authorization URL");
    const page = await browser.newPage();
    await page.goto(url.href);
    const text = await page.locator("body").innerText();
    expect(text).toContain("Test agent <b> asks to use your Woodpecker account");
    expect(text).toContain("127.0.0.1:49151");
    expect(text).toMatch(/delete domains .* each deletion only after a confirmation/s);
    await page.close();
    const denied = await answerSignIn(await browser.newContext(), url, {
      secret: "",
      button: "Deny",
    });
    expect(denied.error).toBe("access_denied");
    expect(denied.iss).toBe(`${server.url}/`);
    expect(denied.code).toBeNull();
  });

  it("a wrong token gets the page again, and no code", async () => {
    const server = await withServerKey();
    const provider = new TestOAuthClient();
    await auth(provider, { serverUrl: `${server.url}/mcp` });
    const back = await answerSignIn(
      await browser.newContext(),
      provider.authorizationUrl ?? new URL("about:blank"),
      {
        secret: "not-the-operator-token-at-all",
        button: "Allow",
      },
    );
    expect(back.code).toBeNull();
    expect(back.pageText).toContain("That is not one of this server's access tokens.");
  });

  it("without a server key: the person pastes their own key, and the calls act on that account", async () => {
    const server = await withoutServerKey();
    const { agent: session } = await signedInAgent(browser, server.url, OTHER_KEY);
    const deleted = await session.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    expect(deleted.result.status).toBe("deletion_accepted");
    await session.close();
    const deletes = oauth.woodpecker.requests.filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.headers["x-api-key"])).toEqual([OTHER_KEY]);
    expect(server.stderr()).not.toContain(OTHER_KEY);
  });
});

/** A client registered by hand, and a code a person granted it, without a browser. */
