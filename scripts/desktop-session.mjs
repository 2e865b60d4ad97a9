// npm run desktop-session: a session shaped like Claude Desktop's, through the built server in the
// sandbox. The client shows no forms, gives up on a call after the SDK's default 60 s and handles
// no progress; the person (Debian's Chromium) answers the approval page PERSON_DELAY_S seconds
// (90 by default) after the agent asked. It prints what each side saw, with the time.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { chromium } from "playwright-core";

const SERVER = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const STUB = fileURLToPath(new URL("../test/helpers/browser-stub.mjs", import.meta.url));
const personDelayS = Number(process.env.PERSON_DELAY_S ?? "90");
const domain = "hooli.com";

const started = performance.now();
const say = (line) =>
  console.log(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const folder = mkdtempSync(join(tmpdir(), "desktop-session-"));
const urls = join(folder, "urls");
writeFileSync(urls, "");
const client = new Client({ name: "desktop-like", version: "1.0.0" });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [SERVER, "--sandbox"],
    env: {
      PATH: process.env.PATH ?? "",
      LOG_LEVEL: "silent",
      WOODPECKER_APPROVAL: "browser",
      BROWSER: `${process.execPath} ${STUB}`,
      APPROVAL_URLS: urls,
    },
    stderr: "ignore",
  }),
);
const deleteDomain = async (args) => {
  const { structuredContent: result } = await client.callTool({
    name: "delete_domain",
    arguments: { domain_name: domain, ...args },
  });
  say(
    `agent ← ${result.status}${result.confirmation?.reason ? ` (${result.confirmation.reason})` : ""}${result.confirmed_by ? `, confirmed_by ${result.confirmed_by}` : ""}: ${result.message}`,
  );
  return result;
};

say(`agent → delete_domain { domain_name: "${domain}" }`);
const person = (async () => {
  while (readFileSync(urls, "utf8") === "") await sleep(50);
  say("the server opened the approval page in the person's browser");
  await sleep(personDelayS * 1000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const page = await browser.newPage();
  await page.goto(readFileSync(urls, "utf8").trim());
  say(
    `the person reads: ${await page.textContent("h1")} ${(await page.locator("ul.items li").allTextContents()).join(", ")}`,
  );
  await page.fill("#confirmation", domain);
  await Promise.all([
    page.waitForSelector("p.done"),
    page.click('button:has-text("Delete for good")'),
  ]);
  say(`the person presses Delete for good; the page says: ${await page.textContent("p.done")}`);
  await browser.close();
})();
const asked = await deleteDomain({});
await person;
say("the person tells the agent they answered");
say(`agent → delete_domain { domain_name: "${domain}", preview_token: <the token it was given> }`);
await deleteDomain({ preview_token: asked.confirmation.preview_token });
await client.close();
rmSync(folder, { recursive: true, force: true });
