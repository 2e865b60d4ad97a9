import { spawn } from "node:child_process";

/**
 * The commands to try, in order, to open `url` in the person's browser: those in BROWSER when it
 * is set (a list separated by `:`, or `;` on Windows, as other command-line tools read it; `%s`
 * stands for the address, else it is added at the end), otherwise the platform's own opener.
 */
export function browserCommands(
  url: string,
  browser: string | undefined,
  platform: NodeJS.Platform,
): string[][] {
  if (browser !== undefined && browser.trim() !== "") {
    return browser
      .split(platform === "win32" ? ";" : ":")
      .map(words)
      .filter((command) => command.length > 0)
      .map((command) =>
        command.some((word) => word.includes("%s"))
          ? command.map((word) => word.replaceAll("%s", url))
          : [...command, url],
      );
  }
  if (platform === "darwin") return [["open", url]];
  if (platform === "win32") return [["rundll32.exe", "url.dll,FileProtocolHandler", url]];
  return [["xdg-open", url]];
}

export type BrowserEvent =
  | { event: "started"; command: string }
  | { event: "failed"; command: string; code: string | number };

/**
 * Runs the commands in turn, detached and without a shell, until one opens the page: it exits
 * with 0 (a launcher that handed the address on) or keeps running (a browser itself). `failed`
 * resolves once every command failed to start or exited with an error: no browser was opened.
 */
export function openBrowser(
  commands: readonly string[][],
  onEvent: (event: BrowserEvent) => void,
): { failed: Promise<void> } {
  return {
    failed: (async () => {
      for (const [command, ...args] of commands) {
        if (command === undefined) continue;
        if ((await run(command, args, onEvent)) === "opened") {
          return new Promise<void>(() => undefined);
        }
      }
    })(),
  };
}

/** Stays pending while the command runs; a browser may run until the person closes it. */
function run(
  command: string,
  args: string[],
  onEvent: (event: BrowserEvent) => void,
): Promise<"opened" | "failed"> {
  return new Promise((resolve) => {
    const failed = (code: string | number) => {
      onEvent({ event: "failed", command, code });
      resolve("failed");
    };
    let child;
    try {
      child = spawn(command, args, { detached: true, stdio: "ignore" });
    } catch (error) {
      // Some commands cannot even be started (a path through a file: ENOTDIR): spawn throws.
      failed((error as NodeJS.ErrnoException).code ?? "error");
      return;
    }
    child.unref();
    child.once("error", (error: NodeJS.ErrnoException) => failed(error.code ?? "error"));
    child.once("spawn", () => onEvent({ event: "started", command }));
    child.once("exit", (code, signal) => {
      if (code === 0) resolve("opened");
      else failed(code ?? signal ?? "exit");
    });
  });
}

/** Words of a command line, with "double" or 'single' quotes keeping spaces. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? "",
  );
}
