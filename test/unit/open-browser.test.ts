import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type BrowserEvent,
  browserCommands,
  openBrowser,
} from "../../src/confirmation/approval-page/open-browser.js";

const URL = "http://127.0.0.1:41234/approve/abc";

describe("browserCommands", () => {
  it.each([
    ["darwin", [["open", URL]]],
    ["win32", [["rundll32.exe", "url.dll,FileProtocolHandler", URL]]],
    ["linux", [["xdg-open", URL]]],
  ] as const)("opens the platform's default browser on %s", (platform, commands) => {
    expect(browserCommands(URL, undefined, platform)).toEqual(commands);
    expect(browserCommands(URL, "  ", platform)).toEqual(commands);
  });

  it("runs BROWSER first, with the address added, or where it says %s", () => {
    expect(browserCommands(URL, "firefox", "linux")).toEqual([["firefox", URL]]);
    expect(browserCommands(URL, "chromium --new-window %s", "linux")).toEqual([
      ["chromium", "--new-window", URL],
    ]);
  });

  it("reads BROWSER as a list to try in turn, separated as on this platform", () => {
    expect(browserCommands(URL, "w3m:firefox", "linux")).toEqual([
      ["w3m", URL],
      ["firefox", URL],
    ]);
    expect(
      browserCommands(URL, '"C:\\Program Files\\Firefox\\firefox.exe";msedge', "win32"),
    ).toEqual([
      ["C:\\Program Files\\Firefox\\firefox.exe", URL],
      ["msedge", URL],
    ]);
  });

  it("keeps quoted words whole, and never hands the line to a shell", () => {
    expect(browserCommands(URL, "'/opt/my browser/run' --flag", "linux")).toEqual([
      ["/opt/my browser/run", "--flag", URL],
    ]);
    expect(browserCommands(URL, "open; rm -rf ~", "darwin")).toEqual([
      ["open;", "rm", "-rf", "~", URL],
    ]);
  });
});

describe("openBrowser", () => {
  it("a command that cannot even be started (its path runs through a file) fails, and throws nothing", async () => {
    const folder = mkdtempSync(join(tmpdir(), "open-browser-"));
    const file = join(folder, "not-a-folder");
    writeFileSync(file, "");
    const events: BrowserEvent[] = [];
    try {
      await openBrowser([[join(file, "browser"), URL]], (event) => events.push(event)).failed;
      expect(events).toEqual([
        { event: "failed", command: join(file, "browser"), code: "ENOTDIR" },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
