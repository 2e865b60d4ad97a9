#!/usr/bin/env node
// The bin. It runs the server bundle (server.cjs) through vm.Script with V8's code cache, which
// spares every start after the first most of the time spent compiling the bundle. Only Node's
// built-ins are used here, and any caching failure falls back to a plain compile.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const bundlePath = fileURLToPath(new URL("./server.cjs", import.meta.url));
runBundle();

// In a function so that the source text and the cache buffer can be collected once it returns.
function runBundle(): void {
  const source = readFileSync(bundlePath, "utf8");
  const cachePath = codeCachePath(source.length);
  const cachedData = cachePath === undefined ? undefined : readIfPresent(cachePath);
  const script = new Script(Module.wrap(source), {
    filename: bundlePath,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const moduleObject = { exports: {} };
  const wrapper: (...args: unknown[]) => void = script.runInThisContext();
  wrapper.call(
    moduleObject.exports,
    moduleObject.exports,
    createRequire(bundlePath),
    moduleObject,
    bundlePath,
    dirname(bundlePath),
  );
  if (cachePath !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    writeAtomically(cachePath, script.createCachedData());
  }
}

/** A per-user directory only this user can write to; undefined when that cannot be ensured. */
function codeCachePath(sourceLength: number): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const uid = process.getuid?.();
    const directory = join(tmpdir(), `woodpecker-mcp-cache-${uid ?? "user"}`);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const stats = statSync(directory);
    if ((uid !== undefined && stats.uid !== uid) || (stats.mode & 0o022) !== 0) return undefined;
    const version = JSON.stringify([sourceLength, process.version, process.arch]).replace(
      /\W+/g,
      "-",
    );
    return join(directory, `server${version}.cache`);
  } catch {
    return undefined;
  }
}

function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string, data: Buffer): void {
  try {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    // A read-only or full disk only costs the cache.
  }
}
