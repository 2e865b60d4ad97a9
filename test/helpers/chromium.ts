import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { describe } from "vitest";

// The approval page is tested in a real browser: Debian's Chromium, driven by playwright-core.
// Nothing here downloads a browser. Without Chromium the tests say so and are skipped, except
// under CI, where they must run.

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
export const CHROMIUM = CANDIDATES.find((path) => path !== undefined && existsSync(path));
const MISSING = "Chromium is missing: install it with `sudo apt-get install -y chromium`";

if (CHROMIUM === undefined && process.env.CI === "true") throw new Error(MISSING);
if (CHROMIUM === undefined) console.warn(`approval page tests skipped. ${MISSING}`);

/** `describe` when Chromium is here, else skipped with the one line that says how to get it. */
export const describeInChromium = CHROMIUM === undefined ? describe.skip : describe;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    ...(CHROMIUM === undefined ? {} : { executablePath: CHROMIUM }),
    // As root in CI there is no sandbox; this machine's network is closed, so nothing in the
    // background may try to reach out.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
