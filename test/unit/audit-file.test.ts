import { createHash } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIRST_PREV_HASH, verifyAuditFile } from "../../src/logging/audit-chain.js";
import { AuditFile, AuditFileError, type Written } from "../../src/logging/audit-file.js";
import { useAuditProcesses } from "../helpers/audit-processes.js";

const processes = useAuditProcesses();
const fresh = () => join(processes.folder(), "audit.jsonl");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const fileLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "");

/** Appends one line, which must go at once. */
function append(file: AuditFile, entry: Record<string, unknown>): Written {
  const written = file.tryAppend(entry);
  if (written === undefined) throw new Error("the lock was taken");
  return written.at(-1) as Written;
}

describe("AuditFile", () => {
  it("is created with mode 0600, chains each line to the one before, and starts with 64 zeros", () => {
    const path = fresh();
    const file = AuditFile.open(path);
    const first = append(file, { audit: "intent" });
    const second = append(file, { audit: "outcome" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.locks`).mode & 0o777).toBe(0o700);
    expect(JSON.parse(first.line)).toEqual({ seq: 1, prev_hash: FIRST_PREV_HASH, audit: "intent" });
    expect(second).toEqual({ line: second.line, seq: 2, hash: sha256(second.line) });
    expect(JSON.parse(second.line)).toMatchObject({ seq: 2, prev_hash: sha256(first.line) });
    expect(readFileSync(path, "utf8")).toBe(`${first.line}\n${second.line}\n`);
  });

  it("takes up the chain from the file's last line after a restart, and after another process's", () => {
    const path = fresh();
    const [a, b] = [AuditFile.open(path), AuditFile.open(path)];
    append(a, { audit: "intent" });
    const last = append(b, { audit: "outcome" });
    a.close();
    expect(JSON.parse(append(AuditFile.open(path), {}).line)).toMatchObject({
      seq: 3,
      prev_hash: last.hash,
    });
    expect(verifyAuditFile(path)).toEqual({ ok: true, lines: 3 });
  });

  it("keeps one chain when processes killed while holding the lock leave it, and others race to take it over", async () => {
    const path = fresh();
    // Eight processes that each see the dead holder's lock at once: with a lock taken over by
    // removing it, two of them in six rounds were seen to both go on, and write the same seq.
    for (let round = 0; round < 6; round += 1) {
      const holder = await processes.holder(path);
      holder.child.kill("SIGKILL");
      await holder.exited;
      await processes.appendAtOnce(path, 8, 10);
    }
    expect(verifyAuditFile(path)).toEqual({ ok: true, lines: 480 });
  });

  it("waits for a live process that holds the lock, and takes it over once that one is killed", async () => {
    const path = fresh();
    const file = AuditFile.open(path);
    const holder = await processes.holder(path);
    expect(file.tryAppend({ audit: "intent" })).toBeUndefined();
    expect(file.tryAppend({ audit: "intent" })).toBeUndefined();
    holder.child.kill("SIGKILL");
    await holder.exited;
    expect(JSON.parse(append(file, { audit: "intent" }).line)).toMatchObject({ seq: 1 });
    expect(readdirSync(`${path}.locks`).filter((name) => !name.includes("."))).toHaveLength(2);
  });

  it.each([
    ["empty", ""],
    ["garbage", "not a lock"],
    ["without an id", '{"pid":1}'],
    ["naming a process that is gone", '{"pid":2147483646,"id":"x"}'],
    ["naming this process", `{"pid":${process.pid},"id":"another"}`],
    ["naming pid 0", '{"pid":0,"id":"x"}'],
    ["naming a negative pid", '{"pid":-5,"id":"x"}'],
    ["naming a pid that is not a number", '{"pid":"12","id":"x"}'],
    ["naming a pid that is not whole", '{"pid":1.5,"id":"x"}'],
  ])("does not wait for a lock file that is %s", (_label, content) => {
    const path = fresh();
    mkdirSync(`${path}.locks`);
    writeFileSync(`${path}.locks/7`, content);
    writeFileSync(`${path}.locks/x9`, "not a turn");
    const file = AuditFile.open(path);
    append(file, {});
    expect(readdirSync(`${path}.locks`).sort()).toEqual(["7", "8", "8.released", "x9"]);
  });

  it("waits for a fresh lock of a live process that is not this one (pid 1 is always alive)", () => {
    const path = fresh();
    mkdirSync(`${path}.locks`);
    writeFileSync(`${path}.locks/3`, JSON.stringify({ pid: 1, id: "x" }));
    expect(AuditFile.open(path).tryAppend({})).toBeUndefined();
  });

  it("does not wait for a live process's lock older than anyone holds one; waits for a fresh one", () => {
    const path = fresh();
    mkdirSync(`${path}.locks`);
    writeFileSync(`${path}.locks/3`, JSON.stringify({ pid: process.ppid, id: "x" }));
    const file = AuditFile.open(path);
    expect(file.tryAppend({})).toBeUndefined();
    const old = (Date.now() - 3_000) / 1000;
    utimesSync(`${path}.locks/3`, old, old);
    append(file, {});
    append(file, {});
    // Turns two behind the newest are cleared.
    expect(readdirSync(`${path}.locks`).sort()).toEqual(["4", "4.released", "5", "5.released"]);
  });

  it("refuses a lock folder that is not a folder", () => {
    const path = fresh();
    writeFileSync(`${path}.locks`, "");
    expect(() => AuditFile.open(path).tryAppend({})).toThrow(/is not a folder/);
  });

  it("refuses a directory, a path that cannot be opened, a symlink, and a file others can write", () => {
    const folder = processes.folder();
    expect(() => AuditFile.open(folder)).toThrow(AuditFileError);
    expect(() => AuditFile.open(folder)).toThrow(
      "cannot be opened: EISDIR (it is a directory, not a file)",
    );
    expect(() => AuditFile.open(join(folder, "missing", "audit.jsonl"))).toThrow(
      "cannot be opened: ENOENT (its folder does not exist)",
    );
    const target = join(folder, "target.jsonl");
    writeFileSync(target, "", { mode: 0o600 });
    symlinkSync(target, join(folder, "link.jsonl"));
    expect(() => AuditFile.open(join(folder, "link.jsonl"))).toThrow(
      "cannot be opened: ELOOP (it is a symlink: name the file itself)",
    );
    for (const mode of [0o620, 0o602]) {
      chmodSync(target, mode);
      expect(() => AuditFile.open(target)).toThrow(
        `can be written by others (mode ${mode.toString(8)}): make it 600 (chmod 600 ${target})`,
      );
    }
    chmodSync(target, 0o644);
    expect(() => AuditFile.open(target)).not.toThrow();
  });

  it("refuses to go on from a last line that is not an audit line, or longer than any", () => {
    const path = fresh();
    writeFileSync(path, '{"seq":1,"prev_hash":"nope"}\n');
    expect(() => AuditFile.open(path)).toThrow(/has a last line that is not an audit line/);
    writeFileSync(path, `${"x".repeat(70_000)}\n`);
    expect(() => AuditFile.open(path)).toThrow(/last line longer than any audit line/);
    writeFileSync(path, "x".repeat(70_000));
    expect(() => AuditFile.open(path)).toThrow(/last line longer than any audit line/);
  });

  it("mends a torn end: the torn bytes are kept in a line that says so, and the chain goes on from the last whole line", () => {
    const path = fresh();
    const whole = append(AuditFile.open(path), { audit: "intent" });
    appendFileSync(path, '{"seq":2,"prev_hash":"ab\u00e9');
    const torn = Buffer.from('{"seq":2,"prev_hash":"ab\u00e9');
    const file = AuditFile.open(path);
    const [recovered, next] = file.tryAppend({ audit: "outcome" }) ?? [];
    expect(JSON.parse(recovered?.line ?? "")).toMatchObject({
      name: "woodpecker-mcp",
      level: 40,
      msg: expect.stringMatching(/^the file ended in a torn line/),
      seq: 2,
      prev_hash: whole.hash,
      audit: "recovered",
      torn_bytes: torn.length,
      torn_base64: torn.toString("base64"),
    });
    expect(JSON.parse(next?.line ?? "")).toMatchObject({ seq: 3, audit: "outcome" });
    expect(verifyAuditFile(path)).toEqual({ ok: true, lines: 3 });
    expect(file.tryMend()).toEqual([]);
  });

  it("mends a file whose only line is torn", () => {
    const path = fresh();
    writeFileSync(path, '{"seq":1');
    const [recovered] = AuditFile.open(path).tryMend() ?? [];
    expect(JSON.parse(recovered?.line ?? "")).toMatchObject({ seq: 1, prev_hash: FIRST_PREV_HASH });
    expect(fileLines(path)).toHaveLength(1);
  });

  const cuts: [string, string, (path: string, lines: string[]) => void][] = [
    [
      "two lines cut from its end",
      "shrank",
      (path, lines) => writeFileSync(path, `${lines.slice(0, -2).join("\n")}\n`),
    ],
    ["cut to nothing", "shrank", (path) => truncateSync(path, 0)],
    ["its last two bytes cut", "shrank", (path) => truncateSync(path, statSync(path).size - 2)],
    [
      "its last line rewritten",
      "changed",
      (path, lines) =>
        writeFileSync(
          path,
          `${[...lines.slice(0, -1), (lines.at(-1) ?? "").replace("4", "5")].join("\n")}\n`,
        ),
    ],
    [
      "its last line run into other bytes",
      "changed",
      (path) => {
        truncateSync(path, statSync(path).size - 1);
        appendFileSync(path, "x\n");
      },
    ],
  ];
  it.each([
    ["removed", (path: string) => rmSync(path)],
    [
      "replaced by another file",
      (path: string) => {
        writeFileSync(`${path}.new`, readFileSync(path), { mode: 0o600 });
        renameSync(`${path}.new`, path);
      },
    ],
  ] as const)(
    "refuses to append to a file %s under it, whose lines would be lost",
    (_label, change) => {
      const path = fresh();
      const file = AuditFile.open(path);
      append(file, { index: 1 });
      change(path);
      expect(() => file.tryAppend({})).toThrow(
        `${path} was removed or replaced under this server (the path no longer names the file it writes); nothing more is appended to it`,
      );
    },
  );

  it.each(cuts)(
    "refuses to append to a file with %s under it, from then on",
    (_label, how, change) => {
      const path = fresh();
      const file = AuditFile.open(path);
      for (let index = 0; index < 4; index += 1) append(file, { index: index + 1 });
      const whole = readFileSync(path);
      change(path, fileLines(path));
      const changed = readFileSync(path, "utf8");
      expect(() => file.tryAppend({})).toThrow(
        `${path} ${how} under this server: its line seq 4 is no longer where it was written (lines were cut or rewritten); nothing more is appended to it`,
      );
      expect(readFileSync(path, "utf8")).toBe(changed);
      // Put back as it was, the file is still refused: what happened to it needs a person's look.
      writeFileSync(path, whole);
      expect(() => file.tryAppend({})).toThrow(/nothing more is appended to it/);
      expect(() => file.tryMend()).toThrow(/nothing more is appended to it/);
    },
  );

  it("goes on from a file longer than the end it reads back", () => {
    const path = fresh();
    const file = AuditFile.open(path);
    for (let index = 0; index < 80; index += 1) append(file, { padding: "x".repeat(1_000) });
    expect(statSync(path).size).toBeGreaterThan(64 * 1024);
    expect(JSON.parse(append(AuditFile.open(path), {}).line)).toMatchObject({ seq: 81 });
  });

  it("names its errors, and cannot write once closed", () => {
    const file = AuditFile.open(fresh());
    file.close();
    expect(() => file.tryAppend({})).toThrow(
      expect.objectContaining({ name: "AuditFileError", message: "cannot be written: EBADF" }),
    );
  });

  it("notices a file cut under it before it wrote a line of its own", () => {
    const path = fresh();
    const other = AuditFile.open(path);
    append(other, {});
    append(other, {});
    const file = AuditFile.open(path);
    truncateSync(path, 0);
    expect(() => file.tryAppend({})).toThrow(/shrank under this server: its line seq 2 /);
  });

  it("a device is written, never read back: no lock, no chain from its content", () => {
    const file = AuditFile.open("/dev/full");
    expect(file.tryMend()).toEqual([]);
    expect(() => file.tryAppend({})).toThrow("cannot be written: ENOSPC");
    expect(existsSync("/dev/full.locks")).toBe(false);
  });
});
