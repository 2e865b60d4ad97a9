import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileLock, FileLockError, LOCK_HELD_MAX_MS } from "../../src/logging/file-lock.js";
import { useAuditProcesses } from "../helpers/audit-processes.js";

// The lock between processes is proved with real ones in audit-file.test.ts. Here, in one
// process, the moments a real race only sometimes hits: another process takes a turn between
// this one's look and its move. The clock is the seam: it is read in between.

const processes = useAuditProcesses();
const LIVE = JSON.stringify({ pid: process.ppid, id: "another" });

function lockFolder(turns: Record<string, string> = {}): string {
  const folder = join(processes.folder(), "audit.jsonl.locks");
  mkdirSync(folder);
  for (const [name, content] of Object.entries(turns)) writeFileSync(join(folder, name), content);
  return folder;
}

describe("FileLock", () => {
  it("takes the next turn, and gives it back", () => {
    const folder = lockFolder();
    const release = new FileLock(folder).tryAcquire();
    expect(readdirSync(folder)).toEqual(["1"]);
    release?.();
    expect(readdirSync(folder).sort()).toEqual(["1", "1.released"]);
  });

  it("a turn given back is over, whoever holds it", () => {
    const folder = lockFolder({ "4": LIVE, "4.released": "" });
    expect(new FileLock(folder).tryAcquire()).toBeDefined();
    expect(readdirSync(folder).sort()).toEqual(["4", "4.released", "5"]);
  });

  it("a turn it cannot read stops it, rather than being taken for over", () => {
    const folder = lockFolder();
    mkdirSync(join(folder, "4"));
    expect(() => new FileLock(folder).tryAcquire()).toThrow(
      `its lock folder ${folder} cannot be used: EISDIR`,
    );
  });

  it("a live holder's turn is over exactly when it is older than anyone holds one", () => {
    const folder = lockFolder({ "4": LIVE });
    const written = statSync(join(folder, "4")).mtimeMs;
    expect(new FileLock(folder, () => written + LOCK_HELD_MAX_MS).tryAcquire()).toBeUndefined();
    expect(new FileLock(folder, () => written + LOCK_HELD_MAX_MS + 1).tryAcquire()).toBeDefined();
  });

  it("when another process takes the turn first, looks again, and waits for it", () => {
    const folder = lockFolder({ "4": LIVE });
    let looks = 0;
    const clock = () => {
      looks += 1;
      // While this one decides turn 4 is over, another process takes turn 5.
      if (looks === 1) writeFileSync(join(folder, "5"), LIVE);
      return looks === 1 ? Date.now() + 10 * LOCK_HELD_MAX_MS : Date.now();
    };
    expect(new FileLock(folder, clock).tryAcquire()).toBeUndefined();
    expect(readdirSync(folder).sort()).toEqual(["4", "5"]);
  });

  it("a turn taken after newer ones were made holds nothing, and is removed", () => {
    const folder = lockFolder({ "4": LIVE });
    let looks = 0;
    const clock = () => {
      looks += 1;
      // While this one stalls, turns 5 and 6 are taken, and 5 is cleared: it will make 5 again.
      if (looks === 1) writeFileSync(join(folder, "6"), LIVE);
      return looks === 1 ? Date.now() + 10 * LOCK_HELD_MAX_MS : Date.now();
    };
    expect(new FileLock(folder, clock).tryAcquire()).toBeUndefined();
    expect(readdirSync(folder).sort()).toEqual(["4", "6"]);
  });

  it("says which folder cannot be used, and why", () => {
    const folder = join(processes.folder(), "missing", "audit.jsonl.locks");
    expect(() => new FileLock(folder).tryAcquire()).toThrow(
      new FileLockError(`its lock folder ${folder} cannot be used: ENOENT`),
    );
    expect(() => new FileLock(folder).tryAcquire()).toThrow(
      expect.objectContaining({ name: "FileLockError" }),
    );
  });
});
