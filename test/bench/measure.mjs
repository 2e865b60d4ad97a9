// What the bench's sections share: printing, statistics, processes, and the project's TypeScript
// helpers (the simulation, nginx) bundled on the fly.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const OURS = join(ROOT, "dist/index.js");
export const KEY = "bench-key-7Qx2Lp9Zr4";

export const line = (text = "") => process.stdout.write(`${text}\n`);
export const median = (values) => quantile(values, 0.5);
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
export const ms = (value) => `${value.toFixed(2)} ms`;
export const ratio = (value) => `${value.toFixed(2)}×`;

/** Imports a TypeScript module of the project, bundled into a temporary file. */
export async function importTs(path) {
  const outfile = join(tmpdir(), `woodpecker-bench-${path.replace(/\W/g, "-")}-${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, path)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "warning",
  });
  return import(outfile);
}

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Starts a long-running process and waits until `ready` finds what it needs in its output
 * (stdout and stderr together), which it returns.
 */
export function startProcess(args, env, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (chunk) => {
      output += chunk;
      const found = ready(output);
      if (found === undefined) return;
      child.stdout.off("data", onData);
      child.stderr.off("data", onData);
      child.stdout.resume();
      child.stderr.resume();
      resolve({ child, found });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`${args.join(" ")} exited (${code}): ${output}`)),
    );
  });
}
