import { request as httpRequest } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import type { SandboxMailbox } from "../../src/sandbox/seed.js";
import { describeInChromium, launchChromium } from "../helpers/chromium.js";
import { type SpawnedServer, type SpawnOptions, useWoodpecker } from "../helpers/spawn.js";
import { waitFor } from "../helpers/wait.js";

// The approval page, through the built bin, with a real Chromium playing the person: the server
// opens the page through BROWSER (here a stub that hands its address to the test), or offers it
// through URL-mode elicitation; the person reads it, types the name, and presses a button.

const STUB = fileURLToPath(new URL("../helpers/browser-stub.mjs", import.meta.url));
const e2e = useWoodpecker();

let browser: Browser;
let context: BrowserContext;
let urlsFile: string;
let folder: string;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), "approval-"));
  urlsFile = join(folder, "urls");
  writeFileSync(urlsFile, "");
  context = await browser.newContext();
});
afterEach(async () => {
  await context.close();
  rmSync(folder, { recursive: true, force: true });
});

/** The environment of a server that opens the approval page through the stub browser. */
function pageEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...e2e.env(),
    WOODPECKER_APPROVAL: "browser",
    BROWSER: `${process.execPath} ${STUB}`,
    APPROVAL_URLS: urlsFile,
    ...extra,
  };
}

const start = (env: Record<string, string> = {}, options: Omit<SpawnOptions, "env"> = {}) =>
  e2e.spawn({ ...options, env: pageEnv(env) });

/** The address of the `n`th page the server opened (1 for the first). */
async function openedPage(n = 1): Promise<string> {
  const urls = () => readFileSync(urlsFile, "utf8").split("\n").filter(Boolean);
  await waitFor(() => urls().length >= n, { what: `approval page ${n} to be opened` });
  return urls()[n - 1] ?? "";
}

/** The person: opens the page, reads it, types, and presses a button. */
async function answer(
  url: string,
  typed: string | undefined,
  button: "Delete for good" | "Cancel",
) {
  const page = await context.newPage();
  await page.goto(url);
  if (typed !== undefined) await page.fill("#confirmation", typed);
  await page.click(`button:has-text("${button}")`);
  await page.waitForSelector("p.done");
  return page;
}

function mailbox(email: string): SandboxMailbox {
  return { first_name: "New", last_name: "Hire", email, provider: "GOOGLE", status: "PAID" };
}

/**
 * Sends one raw request to the page, with whatever Host, Origin and body the test chooses: its
 * status, or "gone" when nothing answers there any more.
 */
function raw(
  url: string,
  options: { method: "GET" | "POST"; host?: string; origin?: string; body?: string },
): Promise<number | "gone"> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method,
        headers: {
          host: options.host ?? target.host,
          ...(options.origin === undefined ? {} : { origin: options.origin }),
          ...(options.body === undefined
            ? {}
            : { "content-type": "application/x-www-form-urlencoded" }),
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNREFUSED" || error.code === "ECONNRESET"
        ? resolve("gone")
        : reject(error),
    );
    request.end(options.body);
  });
}

function everythingSeen(server: SpawnedServer): string {
  return [...server.stdoutMessages, server.stderr.join("")].join("\n");
}

describeInChromium("the approval page, opened in the person's browser", () => {
  it("the right name deletes: confirmed by the page, audited as such; the address is nowhere else", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const page = await answer(url, "PiedPiper.com", "Delete for good");
    expect(await page.textContent("p.done")).toMatch(/^Confirmed\./);
    const { result } = await call;
    expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "page" });
    expect(e2e.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
    expect(
      server
        .logEntries()
        .filter((entry) => entry.audit === "outcome")
        .at(-1),
    ).toMatchObject({
      outcome: "deletion_accepted",
      confirmed_by: "page",
    });
    const { port, pathname } = new URL(url);
    expect(everythingSeen(server)).not.toContain(pathname.slice("/approve/".length));
    expect(everythingSeen(server)).not.toContain(`127.0.0.1:${port}`);
    expect(server.stderr.join("")).toContain("opened the approval page in the browser");
  });

  it("shows the target, every mailbox, and that it cannot be undone", async () => {
    const domain = e2e.woodpecker.simulation.findDomain("hooli.com");
    domain?.mailboxes.push(...Array.from({ length: 13 }, (_, i) => mailbox(`m${i}@hooli.com`)));
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "hooli.com" });
    const page = await context.newPage();
    await page.goto(await openedPage());
    expect(await page.textContent("h1")).toBe("Delete hooli.com for good?");
    expect(await page.textContent(".irreversible")).toBe("This cannot be undone.");
    expect(await page.locator("ul.items li").allTextContents()).toEqual([
      "gavin@hooli.com (PAID)",
      "denpok@hooli.com (PAID)",
      ...Array.from({ length: 13 }, (_, i) => `m${i}@hooli.com (PAID)`),
    ]);
    // Readable in a narrow window: nothing runs off the side of a phone-sized one.
    await page.setViewportSize({ width: 360, height: 640 });
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(360);
    await page.click('button:has-text("Cancel")');
    expect((await call).result.error?.kind).toBe("cancelled_by_user");
  });

  it.each([
    [
      "another name",
      "hooli.com",
      "Delete for good",
      /the value typed on the approval page was not piedpiper.com/,
    ],
    [
      "nothing",
      "",
      "Delete for good",
      /the value typed on the approval page was not piedpiper.com/,
    ],
    ["Cancel", undefined, "Cancel", /the user declined the approval page/],
  ] as const)(
    "typing %s, or pressing Cancel, deletes nothing",
    async (_label, typed, button, why) => {
      const server = await start();
      const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
      const page = await answer(await openedPage(), typed, button);
      expect(await page.textContent("p.done")).toMatch(/^Not deleted/);
      const { result } = await call;
      expect(result.error?.kind).toBe("cancelled_by_user");
      expect(result.message).toMatch(why);
      expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    },
  );

  it("no answer within WOODPECKER_ELICITATION_TIMEOUT_MS deletes nothing, and the page is gone", async () => {
    const server = await start({ WOODPECKER_ELICITATION_TIMEOUT_MS: "1500" });
    const { result } = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/the approval page got no answer within 2 s/);
    expect(await raw(await openedPage(), { method: "GET" })).toBe("gone");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a foreign Host, a foreign Origin, a missing nonce and a second answer confirm nothing", async () => {
    // The page's answers are read as they come: two at once must not both count.
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const { origin } = new URL(url);
    const page = await context.newPage();
    await page.goto(url);
    const nonce = await page.getAttribute('input[name="nonce"]', "value");
    const yes = `nonce=${nonce}&confirmation=piedpiper.com&action=delete`;
    expect(await raw(url, { method: "GET", host: "attacker.example:80" })).toBe(421);
    expect(await raw(url, { method: "POST", host: "localhost", origin, body: yes })).toBe(421);
    expect(await raw(url, { method: "POST", origin: "http://attacker.example", body: yes })).toBe(
      403,
    );
    expect(await raw(url, { method: "POST", body: yes })).toBe(403);
    expect(
      await raw(url, { method: "POST", origin, body: "confirmation=piedpiper.com&action=delete" }),
    ).toBe(403);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    // The person still decides: two answers sent at once, and exactly one counts.
    const cancel = `nonce=${nonce}&action=cancel`;
    const both = await Promise.all([
      raw(url, { method: "POST", origin, body: cancel }),
      raw(url, { method: "POST", origin, body: cancel }),
    ]);
    expect(both.filter((status) => status === 200)).toHaveLength(1);
    expect([410, "gone"]).toContain(both.find((status) => status !== 200));
    // Once answered, the page is gone: a later answer finds nothing there.
    expect(await raw(url, { method: "POST", origin, body: yes })).toBe("gone");
    expect((await call).result.error?.kind).toBe("cancelled_by_user");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("loads nothing from outside, under a strict Content-Security-Policy", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const requested: string[] = [];
    const page = await context.newPage();
    page.on("request", (request) => requested.push(request.url()));
    const response = await page.goto(url);
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/^default-src 'none'; style-src 'nonce-[^']+'; form-action 'self'/);
    expect(response?.headers()["x-frame-options"]).toBe("DENY");
    expect(await page.locator("script").count()).toBe(0);
    await page.fill("#confirmation", "piedpiper.com");
    await page.click('button:has-text("Delete for good")');
    await page.waitForSelector("p.done");
    const { origin } = new URL(url);
    expect(requested.filter((address) => !address.startsWith(origin))).toEqual([]);
    expect((await call).result.status).toBe("deletion_accepted");
  });

  it("works with JavaScript off", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await noScript.newPage();
      await page.goto(url);
      await page.fill("#confirmation", "piedpiper.com");
      await page.click('button:has-text("Delete for good")');
      await page.waitForSelector("p.done");
    } finally {
      await noScript.close();
    }
    expect((await call).result).toMatchObject({
      status: "deletion_accepted",
      confirmed_by: "page",
    });
  });

  it("says dry run and sandbox above everything, and deletes nothing in a dry run", async () => {
    const server = await e2e.spawn({
      env: { ...pageEnv({ WOODPECKER_SANDBOX: "true", WOODPECKER_DRY_RUN: "true" }) },
    });
    const call = server.call("delete_domain", { domain_name: "hooli.com" });
    const page = await context.newPage();
    await page.goto(await openedPage());
    expect(await page.locator(".banner").allTextContents()).toEqual([
      "Dry run: nothing is deleted, whatever you answer.",
      "Sandbox: a simulated account; nothing real is deleted.",
    ]);
    await page.fill("#confirmation", "hooli.com");
    await page.click('button:has-text("Delete for good")');
    expect((await call).result).toMatchObject({
      status: "dry_run",
      confirmed_by: "page",
      sandbox: true,
    });
  });

  it("shows a credential and takes its id", async () => {
    const server = await start();
    const call = server.call("delete_microsoft_credential", { credential_id: 22334466 });
    const page = await context.newPage();
    await page.goto(await openedPage());
    expect(await page.textContent("h1")).toBe("Delete Microsoft credential 22334466 for good?");
    expect(await page.locator("ul.items li").allTextContents()).toEqual([
      'name (as Woodpecker has it): "Old test app"',
      "tenant: 0f3c1a52-7d2e-4b8a-9c41-6e5d2b7a8f90",
      "client: 5a9e2c71-3b4d-4f6a-8e1c-2d7b9f0a6c35",
      "secret expires: 2027-11-28T23:59:59Z",
    ]);
    await page.fill("#confirmation", "22334466");
    await page.click('button:has-text("Delete for good")');
    expect((await call).result).toMatchObject({ status: "deleted", confirmed_by: "page" });
  });

  it("a cascade that changes while the page is open is shown again, with what changed", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "hooli.com" });
    const first = await openedPage(1);
    e2e.woodpecker.simulation.findDomain("hooli.com")?.mailboxes.push(mailbox("late@hooli.com"));
    await answer(first, "hooli.com", "Delete for good");
    const page = await context.newPage();
    await page.goto(await openedPage(2));
    expect(await page.textContent(".note")).toMatch(
      /changed while you were deciding \(added: late@hooli.com; Woodpecker's count went from 2 mailboxes to 3\)/,
    );
    expect(await page.locator("ul.items li").allTextContents()).toContain("late@hooli.com (PAID)");
    await page.fill("#confirmation", "hooli.com");
    await page.click('button:has-text("Delete for good")');
    expect((await call).result).toMatchObject({
      status: "deletion_accepted",
      preview: { mailboxes_count: 3 },
    });
  });

  it("WOODPECKER_CONFIRMATION=person: the page confirms, and the agent's relayed yes still asks the person", async () => {
    const server = await start({ WOODPECKER_CONFIRMATION: "person" });
    const call = server.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: "AWsMIcyKqsz_l-cr_f_4vSuhWHgQH8xedqUlbxrQzb0nmGuw",
    });
    await answer(await openedPage(), "piedpiper.com", "Delete for good");
    expect((await call).result).toMatchObject({
      status: "deletion_accepted",
      confirmed_by: "page",
    });
  });

  it("a browser that cannot be opened: the agent relays the yes instead, with a token", async () => {
    const server = await start({ BROWSER: "/nonexistent/browser" });
    const { result } = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.status).toBe("confirmation_required");
    expect(result.confirmation?.preview_token).toBeDefined();
    expect(server.stderr.join("")).toMatch(/could not open the approval page in the browser/);
  });

  it("a browser that cannot be opened under WOODPECKER_CONFIRMATION=person: person_required", async () => {
    const server = await start({
      BROWSER: "/nonexistent/browser",
      WOODPECKER_CONFIRMATION: "person",
    });
    const { result } = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error?.kind).toBe("person_required");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });
});

describeInChromium("the approval page, offered by the client (URL-mode elicitation)", () => {
  /** A client that shows the address to a person who then answers on the page (or declines). */
  function urlClient(action: "accept" | "decline", person: (url: string) => Promise<unknown>) {
    const offered: ElicitRequest["params"][] = [];
    const visits: Promise<unknown>[] = [];
    return {
      offered,
      visits,
      options: {
        capabilities: { elicitation: { url: {} } },
        onElicit: (params: ElicitRequest["params"]) => {
          offered.push(params);
          if (action === "accept" && "url" in params) visits.push(person(params.url));
          return { action };
        },
      } satisfies Omit<SpawnOptions, "env">,
    };
  }

  it("the client shows the address, the person confirms on the page: confirmed by url", async () => {
    const client = urlClient("accept", (url) => answer(url, "piedpiper.com", "Delete for good"));
    const server = await e2e.spawn({
      ...client.options,
      env: e2e.env({ WOODPECKER_APPROVAL: "auto" }),
    });
    const { result } = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    await Promise.all(client.visits);
    expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "url" });
    expect(client.offered[0]).toMatchObject({ mode: "url" });
    expect(client.offered[0]?.message).toMatch(/^Delete piedpiper.com for good\? Open this page/);
    const { pathname } = new URL((client.offered[0] as { url: string }).url);
    expect(
      server.stdoutMessages.filter((line) => !line.includes('"elicitation/create"')).join("\n"),
    ).not.toContain(pathname);
    expect(server.stderr.join("")).not.toContain(pathname);
  });

  it("the person declines to open it: nothing is deleted", async () => {
    const client = urlClient("decline", async () => undefined);
    const server = await e2e.spawn({
      ...client.options,
      env: e2e.env({ WOODPECKER_APPROVAL: "auto" }),
    });
    const { result } = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });
});
