import type { ElicitRequest } from "@modelcontextprotocol/sdk/types.js";
import { expect, it } from "vitest";
import { mailbox, raw, rawWithBody, useApprovalPages } from "../helpers/approval-page.js";
import { describeInChromium } from "../helpers/chromium.js";
import { type SpawnedServer, type SpawnOptions, useWoodpecker } from "../helpers/spawn.js";

// The approval page, through the built bin, with a real Chromium playing the person: the server
// opens the page through BROWSER (a stub that hands its address to the test), or offers it
// through URL-mode elicitation; the person reads it, types the name, and presses a button.

const e2e = useWoodpecker();
const pages = useApprovalPages(e2e);
const { start, openedPage, answer } = pages;

function everythingSeen(server: SpawnedServer): string {
  return [...server.stdoutMessages, server.stderr.join("")].join("\n");
}

describeInChromium("the approval page, opened in the person's browser", () => {
  it("the right name deletes: confirmed by the page, audited as such; the address is nowhere else", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const page = await answer(url, "PiedPiper.com", "Delete for good");
    // The page says what came of it, in words.
    expect(await page.textContent("p.done")).toMatch(
      /^Woodpecker accepted the deletion of piedpiper.com and its 3 mailboxes: .* \(HTTP 202\)/,
    );
    const { result } = await call;
    expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "page" });
    expect(e2e.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
    // The page's deletion is audited as a call's (intent, then outcome); the call that waited
    // for it, as one that joined it.
    const audit = server.logEntries().filter((entry) => entry.audit !== undefined);
    expect(
      audit.map((entry) => [entry.audit, entry.outcome, entry.delete_sent, entry.joined]),
    ).toEqual([
      ["intent", undefined, undefined, undefined],
      ["outcome", "deletion_accepted", true, false],
      ["outcome", "deletion_accepted", true, true],
    ]);
    expect(audit.every((entry) => entry.confirmed_by === "page")).toBe(true);
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
    const page = await pages.context.newPage();
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

  it("a wrong name shows the page again with what was wrong; then the right name deletes", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const page = await pages.visit(url);
    const firstNonce = await page.getAttribute('input[name="nonce"]', "value");
    await pages.press(page, "hooli.com", "Delete for good");
    expect(await page.textContent(".problem")).toBe(
      "That is not piedpiper.com. Type it exactly as shown (4 tries left), or press Cancel.",
    );
    // The first rendering's form answered once; sent again, it is refused.
    const { origin } = new URL(url);
    const replayed = `nonce=${firstNonce}&confirmation=piedpiper.com&action=delete`;
    expect(await raw(url, { method: "POST", origin, body: replayed })).toBe(403);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    await pages.press(page, "piedpiper.com", "Delete for good");
    expect(await page.textContent("p.done")).toMatch(/^Woodpecker accepted the deletion/);
    expect((await call).result).toMatchObject({
      status: "deletion_accepted",
      confirmed_by: "page",
    });
    expect(e2e.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
  });

  it("five wrong names end the page as the person's no", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const page = await pages.visit(await openedPage());
    for (let left = 4; left >= 1; left -= 1) {
      await pages.press(page, `piedpiper${left}.com`, "Delete for good");
      expect(await page.textContent(".problem")).toContain(
        `(${left} ${left === 1 ? "try" : "tries"} left)`,
      );
    }
    await pages.press(page, "pied-piper.com", "Delete for good");
    expect(await page.textContent("p.done")).toMatch(
      /^Not deleted: the value typed on the approval page was not piedpiper.com/,
    );
    const { result } = await call;
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/the value typed on the approval page was not piedpiper.com/);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("an empty field is refused by the page itself, and counts as no try", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const page = await pages.visit(url);
    await page.click('button:has-text("Delete for good")');
    // The browser does not send the form: the field is required.
    expect(
      await page.evaluate('document.querySelector("#confirmation").validity.valueMissing'),
    ).toBe(true);
    expect(await page.locator(".problem").count()).toBe(0);
    // A form sent empty all the same (a browser that ignores `required`) is asked again.
    const nonce = await page.getAttribute('input[name="nonce"]', "value");
    const { origin } = new URL(url);
    const empty = await rawWithBody(url, {
      method: "POST",
      origin,
      body: `nonce=${nonce}&confirmation=+&action=delete`,
    });
    expect(empty).toMatchObject({ status: 200 });
    expect(empty === "gone" ? "" : empty.body).toContain(
      "Type piedpiper.com to confirm, or press Cancel.",
    );
    // That answer used the rendering's form up: the person reloads, then cancels.
    await page.reload();
    await pages.press(page, undefined, "Cancel");
    const { result } = await call;
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/the user declined the approval page/);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a foreign Host, a foreign Origin, a missing nonce and a second answer confirm nothing", async () => {
    // The page's answers are read as they come: two at once must not both count.
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "piedpiper.com" });
    const url = await openedPage();
    const { origin } = new URL(url);
    const page = await pages.context.newPage();
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
    const page = await pages.context.newPage();
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
    const noScript = await pages.browser.newContext({ javaScriptEnabled: false });
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
      env: { ...pages.pageEnv({ WOODPECKER_SANDBOX: "true", WOODPECKER_DRY_RUN: "true" }) },
    });
    const call = server.call("delete_domain", { domain_name: "hooli.com" });
    const page = await pages.context.newPage();
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
    const page = await pages.context.newPage();
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

  it("a cascade that changes while the page is open is shown on the same page, with what changed", async () => {
    const server = await start();
    const call = server.call("delete_domain", { domain_name: "hooli.com" });
    const page = await pages.visit(await openedPage());
    e2e.woodpecker.simulation.findDomain("hooli.com")?.mailboxes.push(mailbox("late@hooli.com"));
    await pages.press(page, "hooli.com", "Delete for good");
    expect(await page.textContent(".note")).toMatch(
      /changed since this page was shown \(added: late@hooli.com; Woodpecker's count went from 2 mailboxes to 3\)/,
    );
    expect(await page.locator("ul.items li").allTextContents()).toContain("late@hooli.com (PAID)");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    await pages.press(page, "hooli.com", "Delete for good");
    expect((await call).result).toMatchObject({
      status: "deletion_accepted",
      preview: { mailboxes_count: 3 },
    });
    expect(pages.openedCount()).toBe(1);
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
