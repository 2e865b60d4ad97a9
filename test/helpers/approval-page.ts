import { request as httpRequest } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { SandboxMailbox } from "../../src/sandbox/seed.js";
import { launchChromium } from "./chromium.js";
import type { SpawnOptions, useWoodpecker } from "./spawn.js";
import { waitFor } from "./wait.js";

// The approval page, with a real Chromium playing the person: the server opens the page through
// BROWSER (here a stub that hands its address to the test), and the person reads it, types, and
// presses a button.

const STUB = fileURLToPath(new URL("./browser-stub.mjs", import.meta.url));

export type Button = "Delete for good" | "Cancel";

/** In an end-to-end test file, after `useWoodpecker()`: Chromium, and servers that open pages. */
export function useApprovalPages(e2e: ReturnType<typeof useWoodpecker>) {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let urlsFile = "";
  let folder = "";
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), "approval-"));
    urlsFile = join(folder, "urls");
    writeFileSync(urlsFile, "");
    context = await chromium().newContext();
  });
  afterEach(async () => {
    await context?.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const chromium = (): Browser => {
    if (browser === undefined) throw new Error("Chromium starts before the tests");
    return browser;
  };
  const tabs = (): BrowserContext => {
    if (context === undefined) throw new Error("a browser context opens before each test");
    return context;
  };
  const urls = () => readFileSync(urlsFile, "utf8").split("\n").filter(Boolean);

  /** The environment of a server that opens the approval page through the stub browser. */
  const pageEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...e2e.env(),
    WOODPECKER_APPROVAL: "browser",
    BROWSER: `${process.execPath} ${STUB}`,
    APPROVAL_URLS: urlsFile,
    ...extra,
  });

  return {
    get browser() {
      return chromium();
    },
    get context() {
      return tabs();
    },
    pageEnv,
    start: (env: Record<string, string> = {}, options: Omit<SpawnOptions, "env"> = {}) =>
      e2e.spawn({ ...options, env: pageEnv(env) }),
    /** How many pages the server opened so far. */
    openedCount: () => urls().length,
    /** The address of the `n`th page the server opened (1 for the first). */
    async openedPage(n = 1): Promise<string> {
      await waitFor(() => urls().length >= n, { what: `approval page ${n} to be opened` });
      return urls()[n - 1] ?? "";
    },
    /** The person opens the page in a new tab. */
    async visit(url: string): Promise<Page> {
      const page = await tabs().newPage();
      await page.goto(url);
      return page;
    },
    /** The person types (or not) and presses a button; resolves with the page that follows. */
    async press(page: Page, typed: string | undefined, button: Button): Promise<Page> {
      if (typed !== undefined) await page.fill("#confirmation", typed);
      await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${button}")`)]);
      return page;
    },
    /** The person: opens the page, reads it, types, presses a button, and waits for the end. */
    async answer(url: string, typed: string | undefined, button: Button): Promise<Page> {
      const page = await tabs().newPage();
      await page.goto(url);
      if (typed !== undefined) await page.fill("#confirmation", typed);
      await page.click(`button:has-text("${button}")`);
      await page.waitForSelector("p.done");
      return page;
    },
  };
}

export function mailbox(email: string, status: SandboxMailbox["status"] = "PAID"): SandboxMailbox {
  return { first_name: "New", last_name: "Hire", email, provider: "GOOGLE", status };
}

/**
 * Sends one raw request to the page, with whatever Host, Origin and body the test chooses: its
 * status and body, or "gone" when nothing answers there any more.
 */
export function raw(
  url: string,
  options: { method: "GET" | "POST"; host?: string; origin?: string; body?: string },
): Promise<number | "gone"> {
  return rawWithBody(url, options).then((answer) => (answer === "gone" ? answer : answer.status));
}

export function rawWithBody(
  url: string,
  options: { method: "GET" | "POST"; host?: string; origin?: string; body?: string },
): Promise<{ status: number; body: string } | "gone"> {
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
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
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
