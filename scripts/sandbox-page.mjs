// What the scripts that show the approval page share: the built server in the sandbox, opening
// the page through a stand-in for the browser command that hands its address over, a client
// connected to it, and Debian's Chromium to play the person.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { chromium } from "playwright-core";

const SERVER = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const STUB = fileURLToPath(new URL("../test/helpers/browser-stub.mjs", import.meta.url));

/** A client (named `name`, declaring no forms) of the sandbox server, which opens pages. */
export async function sandboxWithPage(name) {
  const folder = mkdtempSync(join(tmpdir(), `${name}-`));
  const urls = join(folder, "urls");
  writeFileSync(urls, "");
  const client = new Client({ name, version: "1.0.0" });
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
  return {
    client,
    /** The address of the page the server opened, once it did. */
    async openedPage() {
      while (readFileSync(urls, "utf8") === "") {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return readFileSync(urls, "utf8").trim();
    },
    /** Debian's Chromium, headless, reaching nothing outside. */
    launchBrowser: () =>
      chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--no-first-run",
        ],
      }),
    async close() {
      await client.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
