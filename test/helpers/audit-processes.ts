import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll } from "vitest";
import { waitFor } from "./wait.js";

const WRITER = fileURLToPath(new URL("./audit-writer.mjs", import.meta.url));
const SOURCE = fileURLToPath(new URL("../../src/logging/audit-file.ts", import.meta.url));

/**
 * At the top of a test file: temporary folders (removed after each test), the audit module
 * bundled from source for child processes, and the child processes that share an audit file
 * through it (killed after each test).
 */
export function useAuditProcesses() {
  const folders: string[] = [];
  const children: ChildProcessWithoutNullStreams[] = [];
  let bundled = "";
  beforeAll(async () => {
    const folder = mkdtempSync(join(tmpdir(), "audit-module-"));
    bundled = join(folder, "audit-file.mjs");
    await build({
      entryPoints: [SOURCE],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundled,
      logLevel: "warning",
    });
  });
  afterAll(() => rmSync(join(bundled, ".."), { recursive: true, force: true }));
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  function writer(file: string, args: string[]) {
    const child = spawn(process.execPath, [WRITER, bundled, file, ...args]);
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const says = (word: string) =>
      waitFor(() => stdout.includes(`${word}\n`), {
        what: `a writer to say "${word}" (stderr: ${stderr})`,
        timeoutMs: 15_000,
      });
    return { child, exited, says, stderr: () => stderr };
  }

  return {
    /** A new empty folder, removed after the test. */
    folder(): string {
      const folder = mkdtempSync(join(tmpdir(), "audit-"));
      folders.push(folder);
      return folder;
    },
    /** A process that takes the file's lock and keeps it until it is killed. */
    async holder(file: string) {
      const holding = writer(file, ["hold"]);
      await holding.says("held");
      return holding;
    },
    /** Processes that each append `count` lines, all starting at once. */
    async appendAtOnce(file: string, processes: number, count: number): Promise<void> {
      const writers = Array.from({ length: processes }, () =>
        writer(file, ["append", String(count)]),
      );
      await Promise.all(writers.map((each) => each.says("ready")));
      for (const each of writers) each.child.stdin.write("go\n");
      const codes = await Promise.all(writers.map((each) => each.exited));
      if (codes.some((code) => code !== 0)) {
        throw new Error(`a writer failed: ${writers.map((each) => each.stderr()).join("")}`);
      }
    },
  };
}
