// npm run screenshot: docs/approval-page.png, the approval page as a person sees it, taken from
// a real session: the built server in the sandbox opens the page (through a stand-in for the
// browser command), and Debian's Chromium shows it.
import { fileURLToPath } from "node:url";
import { sandboxWithPage } from "./sandbox-page.mjs";

const OUT = fileURLToPath(new URL("../docs/approval-page.png", import.meta.url));

const session = await sandboxWithPage("screenshot");
const call = session.client.callTool({
  name: "delete_domain",
  arguments: { domain_name: "piedpiper.com" },
});
const url = await session.openedPage();
const browser = await session.launchBrowser();
const page = await browser.newPage({ viewport: { width: 760, height: 660 }, deviceScaleFactor: 1 });
await page.goto(url);
await page.fill("#confirmation", "piedpiper.com");
await page.screenshot({ path: OUT, fullPage: true });
await page.click('button:has-text("Cancel")');
await call;
await browser.close();
await session.close();
process.stdout.write(`wrote ${OUT}\n`);
