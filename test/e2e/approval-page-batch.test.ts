import { expect, it } from "vitest";
import { mailbox, useApprovalPages } from "../helpers/approval-page.js";
import { describeInChromium } from "../helpers/chromium.js";
import { useWoodpecker } from "../helpers/spawn.js";

// A batch on the approval page, with a real Chromium playing the person: every domain with
// every mailbox, readable on a phone, and one yes for the set.

const e2e = useWoodpecker();
const pages = useApprovalPages(e2e);

/** Forty domains, some with the longest names a domain and an email can have. */
function fortyDomains(): string[] {
  const template = e2e.woodpecker.simulation.findDomain("hooli.com");
  if (template === undefined) throw new Error("the seed has hooli.com");
  const long = "x".repeat(60);
  const names = Array.from({ length: 40 }, (_, i) =>
    i % 10 === 0 ? `${long}${i}.${long}.com` : `burned${i}.com`,
  );
  for (const name of names) {
    e2e.woodpecker.account.domains.push({
      ...structuredClone(template),
      name,
      mailboxes: Array.from({ length: 12 }, (_, m) =>
        mailbox(m === 0 ? `${"y".repeat(64)}@${name}` : `sender${m}@${name}`),
      ),
    });
  }
  return names;
}

describeInChromium("a batch on the approval page", () => {
  it("lists forty domains with all their mailboxes, readable 390 px wide; one yes deletes them all", async () => {
    const names = fortyDomains();
    const server = await pages.start();
    const call = server.call("delete_domains", { domain_names: names });
    const page = await pages.visit(await pages.openedPage());
    expect(await page.textContent("h1")).toBe("Delete 40 domains for good?");
    expect(await page.locator("section.target").count()).toBe(40);
    expect(await page.locator("section.target h2").first().textContent()).toBe(
      `${names[0]}: 12 mailboxes`,
    );
    // Every mailbox, in full: a page lists everything, not ten of each.
    expect(await page.locator("section.target li").count()).toBe(40 * 12);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await pages.press(page, "delete 39 domains", "Delete for good");
    expect(await page.textContent(".problem")).toContain("That is not delete 40 domains.");
    await pages.press(page, "Delete 40 domains", "Delete for good");
    expect(await page.textContent("p.done")).toMatch(
      /^Woodpecker accepted the deletion of 40 domains/,
    );
    const { result } = await call;
    expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "page" });
    expect(e2e.woodpecker.sent("DELETE")).toHaveLength(40);
  });
});
