import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Link, parseAnchor, verifyAuditFile } from "../../src/logging/audit-chain.js";
import { AuditFile, type Written } from "../../src/logging/audit-file.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const fileLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "");

/** A file of `count` chained lines, and the link of each, as stderr showed them. */
function chain(count: number, label = "first"): { path: string; links: Link[] } {
  const folder = mkdtempSync(join(tmpdir(), "audit-chain-"));
  folders.push(folder);
  const path = join(folder, "audit.jsonl");
  const file = AuditFile.open(path);
  const links: Link[] = [];
  for (let index = 0; index < count; index += 1) {
    const written = file.tryAppend({ label, index }) ?? [];
    const { seq, hash } = written.at(-1) as Written;
    links.push({ seq, hash });
  }
  return { path, links };
}

describe("verifyAuditFile", () => {
  it("says the chain is intact, for an empty file too", () => {
    expect(verifyAuditFile(chain(5).path)).toEqual({ ok: true, lines: 5 });
    expect(verifyAuditFile(chain(0).path)).toEqual({ ok: true, lines: 0 });
  });

  it("says where a line was edited", () => {
    const { path } = chain(5);
    const lines = fileLines(path);
    lines[2] = (lines[2] ?? "").replace('"index":2', '"index":7');
    writeFileSync(path, `${lines.join("\n")}\n`);
    expect(verifyAuditFile(path)).toEqual({
      ok: false,
      lines: 5,
      line: 4,
      problem: "has a prev_hash that is not the SHA-256 of line 3: a line was removed or edited",
    });
  });

  it.each([
    ["not JSON", "audit"],
    ["null", "null"],
    ["without a prev_hash", '{"seq":2}'],
    ["with a seq that is text", `{"seq":"2","prev_hash":"${"0".repeat(64)}"}`],
    ["with a prev_hash that is not text", '{"seq":2,"prev_hash":7}'],
    [
      "with a prev_hash one character too long, at its start",
      `{"seq":2,"prev_hash":"a${"0".repeat(64)}"}`,
    ],
    [
      "with a prev_hash one character too long, at its end",
      `{"seq":2,"prev_hash":"${"0".repeat(64)}a"}`,
    ],
  ])("a line %s is not an audit line", (_label, line) => {
    const { path } = chain(1);
    appendFileSync(path, `${line}\n`);
    expect(verifyAuditFile(path)).toEqual({
      ok: false,
      lines: 2,
      line: 2,
      problem: "is not an audit line (no seq and prev_hash)",
    });
  });

  it("says where a line is not an audit line, or its seq skips", () => {
    const { path } = chain(2);
    appendFileSync(path, "{}\n");
    expect(verifyAuditFile(path)).toMatchObject({
      ok: false,
      line: 3,
      problem: expect.stringMatching(/is not an audit line/),
    });
    const other = chain(1).path;
    const [first] = fileLines(other);
    writeFileSync(other, `${(first ?? "").replace('"seq":1', '"seq":2')}\n`);
    expect(verifyAuditFile(other)).toMatchObject({
      line: 1,
      problem: "has seq 2, where 1 was due",
    });
  });

  it("says when the first lines were removed, and when the last is incomplete", () => {
    const { path } = chain(3);
    writeFileSync(path, `${fileLines(path).slice(1).join("\n")}\n`);
    expect(verifyAuditFile(path)).toMatchObject({
      ok: false,
      line: 1,
      problem: expect.stringMatching(/lines before it were removed/),
    });
    const other = chain(2).path;
    appendFileSync(other, '{"seq":3');
    expect(verifyAuditFile(other)).toMatchObject({
      ok: false,
      lines: 3,
      line: 3,
      problem: expect.stringMatching(/incomplete/),
    });
  });

  it("with an anchor: a tail cut, even to nothing, and a file started again show; an intact one does not", () => {
    const { path, links } = chain(6);
    const anchor = links[5] as Link;
    expect(verifyAuditFile(path, anchor)).toEqual({ ok: true, lines: 6 });
    expect(verifyAuditFile(path, links[2])).toEqual({ ok: true, lines: 6 });
    writeFileSync(path, `${fileLines(path).slice(0, 4).join("\n")}\n`);
    expect(verifyAuditFile(path)).toEqual({ ok: true, lines: 4 });
    expect(verifyAuditFile(path, anchor)).toEqual({
      ok: false,
      lines: 4,
      line: 4,
      problem:
        "is the last, with seq 4: the anchor's line, seq 6, is not in the file (lines were cut from its end, or it was started again)",
    });
    writeFileSync(path, "");
    expect(verifyAuditFile(path, anchor)).toMatchObject({ ok: false, line: 0 });
    const again = chain(6, "again").path;
    expect(verifyAuditFile(again, anchor)).toEqual({
      ok: false,
      lines: 6,
      line: 6,
      problem: "has seq 6, but is not the anchor's line (its SHA-256 differs)",
    });
  });
});

describe("parseAnchor", () => {
  const hash = "ab".repeat(32);
  it("reads SEQ:HASH, and nothing else", () => {
    expect(parseAnchor(`12:${hash}`)).toEqual({ seq: 12, hash });
    expect(parseAnchor(`1234567890123456:${hash}`)).toEqual({ seq: 1234567890123456, hash });
    for (const text of [
      `0:${hash}`,
      `012:${hash}`,
      `x:${hash}`,
      `1:${hash.toUpperCase()}`,
      `1:${hash}0`,
      `1:${hash.slice(1)}`,
      `1 :${hash}`,
      `99999999999999999:${hash}`,
      `1:${hash}\n`,
    ]) {
      expect(parseAnchor(text)).toBeUndefined();
    }
  });
});
