// npm run screenshot: docs/approval-page.png, the approval page as a person sees it, taken from
// a real session: the built server in the sandbox opens the page (through a stand-in for the
// browser command), and Debian's Chromium shows it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { chromium } from "playwright-core";

const SERVER = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const STUB = fileURLToPath(new URL("../test/helpers/browser-stub.mjs", import.meta.url));
const OUT = fileURLToPath(new URL("../docs/approval-page.png", import.meta.url));

const folder = mkdtempSync(join(tmpdir(), "screenshot-"));
const urls = join(folder, "urls");
writeFileSync(urls, "");
const client = new Client({ name: "screenshot", version: "1.0.0" });
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
const call = client.callTool({
  name: "delete_domain",
  arguments: { domain_name: "piedpiper.com" },
});
let url = "";
while (url === "") {
  await new Promise((resolve) => setTimeout(resolve, 50));
  url = readFileSync(urls, "utf8").trim();
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 760, height: 660 }, deviceScaleFactor: 1 });
await page.goto(url);
await page.fill("#confirmation", "piedpiper.com");
await page.screenshot({ path: OUT, fullPage: true });
await page.click('button:has-text("Cancel")');
await call;
await browser.close();
await client.close();
rmSync(folder, { recursive: true, force: true });
process.stdout.write(`wrote ${OUT}\n`);
