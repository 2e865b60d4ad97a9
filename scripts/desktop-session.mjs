// npm run desktop-session: a session shaped like Claude Desktop's, through the built server in the
// sandbox. The client shows no forms, gives up on a call after the SDK's default 60 s and handles
// no progress; the person (Debian's Chromium) answers the approval page PERSON_DELAY_S seconds
// (90 by default) after the agent asked. It prints what each side saw, with the time.
import { sandboxWithPage } from "./sandbox-page.mjs";

const personDelayS = Number(process.env.PERSON_DELAY_S ?? "90");
const domain = "hooli.com";

const started = performance.now();
const say = (line) =>
  console.log(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${line}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const session = await sandboxWithPage("desktop-like");
const { client } = session;
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
  const url = await session.openedPage();
  say("the server opened the approval page in the person's browser");
  await sleep(personDelayS * 1000);
  const browser = await session.launchBrowser();
  const page = await browser.newPage();
  await page.goto(url);
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
// A person quicker than WOODPECKER_PAGE_WAIT_MS answered while the first call still waited.
if (asked.status !== "confirmation_required") {
  await session.close();
  process.exit(0);
}
say("the person tells the agent they answered");
say(`agent → delete_domain { domain_name: "${domain}", preview_token: <the token it was given> }`);
await deleteDomain({ preview_token: asked.confirmation.preview_token });
await session.close();
