import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeInChromium, launchChromium } from "../helpers/chromium.js";
import { describeWithNginx, type Nginx, startNginx } from "../helpers/nginx.js";
import {
  confirmOnPage,
  OPERATOR_TOKEN,
  signedInAgent,
  signIn,
  TestOAuthClient,
  useOAuthReplicas,
} from "../helpers/oauth.js";
import { connectHttp, type Replica } from "../helpers/remote.js";
import { TEST_KEY } from "../helpers/stand-in.js";
import { waitFor } from "../helpers/wait.js";

// The person's yes in remote mode with OAuth: the approval page served by the server itself at
// /approve/<id>, which opens only in the browser signed in to the same account. Chromium plays
// the people; the built bin serves.

const TOKEN = OPERATOR_TOKEN;
const ALICE_KEY = "wp-alice-account-key-42";
const BOB_KEY = "wp-bob-account-key-4242";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser.close());
const oauth = useOAuthReplicas({
  otherKeys: [ALICE_KEY, BOB_KEY],
  env: { WOODPECKER_APPROVAL: "auto" },
});
const { replica } = oauth;

/** A person at their browser, signed in through an agent's client. */
const signedIn = (server: Replica, secret: string) => signedInAgent(browser, server.url, secret);

async function pageSeenBy(person: BrowserContext, url: string) {
  const page = await person.newPage();
  try {
    const answer = await page.goto(url);
    return { status: answer?.status(), text: await page.locator("body").innerText() };
  } finally {
    await page.close();
  }
}

describeInChromium("OAuth: the person's yes on the server's own approval page", () => {
  it("under WOODPECKER_CONFIRMATION=person: the agent gets a link it cannot confirm through; the signed-in person confirms; one DELETE with the account's key", async () => {
    const server = await replica({
      WOODPECKER_API_KEY: TEST_KEY,
      WOODPECKER_HTTP_TOKENS: TOKEN,
      WOODPECKER_CONFIRMATION: "person",
    });
    const { person, agent } = await signedIn(server, TOKEN);
    const asked = await agent.call("delete_domain", { domain_name: "piedpiper.com" });
    const confirmation = asked.result.confirmation;
    expect(confirmation?.reason).toBe("awaiting_person");
    const url = confirmation?.approval_url ?? "";
    expect(url.startsWith(`${server.url}/approve/`)).toBe(true);

    // The agent relays a yes: it counts for nothing while only the person can confirm.
    const relayed = await agent.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: confirmation?.preview_token,
    });
    expect(relayed.result.status).toBe("confirmation_required");
    // Anyone without the cookie gets the sign-in page, and cannot answer.
    const stranger = await pageSeenBy(await browser.newContext(), url);
    expect(stranger.status).toBe(401);
    expect(stranger.text).toContain("Sign in to see what would be deleted");
    const posted = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
      body: "action=delete&confirmation=piedpiper.com",
    });
    expect(posted.status).toBe(403);
    expect(oauth.woodpecker.sent("DELETE")).toEqual([]);

    const shown = await pageSeenBy(person, url);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("richard@piedpiper.com");
    expect(shown.text).toContain("approval page for the signed-in person only");
    const text = await confirmOnPage(person, url, "piedpiper.com");
    expect(text).toMatch(/accepted/i);
    await waitFor(() => oauth.woodpecker.sent("DELETE").length === 1, { what: "the DELETE" });
    const deletes = oauth.woodpecker.requests.filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.headers["x-api-key"])).toEqual([TEST_KEY]);
    const outcome = await agent.call("delete_domain", {
      domain_name: "piedpiper.com",
      preview_token: confirmation?.preview_token,
    });
    expect(outcome.result).toMatchObject({ status: "deletion_accepted", confirmed_by: "page" });
    await agent.close();
  });

  it("a browser signed in to another account confirms nothing; the account's own person does, with that account's key", async () => {
    const server = await replica({});
    const alice = await signedIn(server, ALICE_KEY);
    const bob = await signedIn(server, BOB_KEY);
    const asked = await alice.agent.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = asked.result.confirmation?.approval_url ?? "";
    const seenByBob = await pageSeenBy(bob.person, url);
    expect(seenByBob.status).toBe(403);
    expect(seenByBob.text).toContain("signed in to another Woodpecker account");
    expect(oauth.woodpecker.sent("DELETE")).toEqual([]);

    await confirmOnPage(alice.person, url, "piedpiper.com");
    await waitFor(() => oauth.woodpecker.sent("DELETE").length === 1, { what: "the DELETE" });
    const deletes = oauth.woodpecker.requests.filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.headers["x-api-key"])).toEqual([ALICE_KEY]);
    await Promise.all([alice.agent.close(), bob.agent.close()]);
  });
});

describeWithNginx("OAuth: two replicas behind nginx, sharing only the secret", () => {
  let nginx: Nginx;
  afterEach(() => nginx?.stop());

  it("a sign-in whose steps land on either replica holds on both, and so do the tool calls", async () => {
    // One debug line per request to Woodpecker: it shows which replica served a call.
    const env = { WOODPECKER_API_KEY: TEST_KEY, WOODPECKER_HTTP_TOKENS: TOKEN, LOG_LEVEL: "debug" };
    const both = await Promise.all([replica(env), replica(env)]);
    nginx = await startNginx(both.map((one) => one.url));
    const person = await browser.newContext();
    const provider = new TestOAuthClient();
    await signIn(person, nginx.url, provider, TOKEN);
    const agent = await connectHttp(nginx.url, {}, {}, provider);
    for (let call = 0; call < 4; call += 1) {
      expect((await agent.call("list_domains")).result.ok).toBe(true);
    }
    await agent.close();
    // Round robin: each replica served calls with the token the sign-in made.
    for (const one of both) {
      expect(one.logEntries().some((entry) => entry.msg === "woodpecker request")).toBe(true);
    }
  });

  it("each replica's pages live under its name, and nginx routes them there: the person's yes reaches the replica that asked", async () => {
    const env = (name: string) => ({
      WOODPECKER_API_KEY: TEST_KEY,
      WOODPECKER_HTTP_TOKENS: TOKEN,
      WOODPECKER_HTTP_REPLICA: name,
    });
    const both = await Promise.all([replica(env("r0")), replica(env("r1"))]);
    nginx = await startNginx(both.map((one) => one.url));
    const person = await browser.newContext();
    const provider = new TestOAuthClient();
    await signIn(person, nginx.url, provider, TOKEN);
    // One agent's calls held to each replica; the person's browser goes by the page's path alone.
    const targets = ["piedpiper.com", "hooli.com"];
    for (const [index, domain] of targets.entries()) {
      const agent = await connectHttp(nginx.url, { "x-replica": String(index) }, {}, provider);
      const asked = await agent.call("delete_domain", { domain_name: domain });
      const url = asked.result.confirmation?.approval_url ?? "";
      expect(url.startsWith(`${nginx.url}/approve/r${index}/`)).toBe(true);
      expect(await confirmOnPage(person, url, domain)).toMatch(/accepted/i);
      await agent.close();
    }
    await waitFor(() => oauth.woodpecker.sent("DELETE").length === 2, { what: "both DELETEs" });
    const deletes = oauth.woodpecker.requests.filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.headers["x-api-key"])).toEqual([TEST_KEY, TEST_KEY]);
    expect(oauth.woodpecker.sent("DELETE").sort()).toEqual([
      "DELETE /domains/hooli.com",
      "DELETE /domains/piedpiper.com",
    ]);
    for (const [index, one] of both.entries()) {
      const outcome = one
        .logEntries()
        .find((entry) => entry.audit === "outcome" && entry.confirmed_by === "page");
      expect(outcome).toMatchObject({ target: targets[index], outcome: "deletion_accepted" });
    }
  });
});
