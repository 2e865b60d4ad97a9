import { createHash } from "node:crypto";
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type AuditOutcome, type AuditSubject, AuditTrail } from "../../src/logging/audit.js";
import {
  AuditFile,
  AuditFileError,
  FIRST_PREV_HASH,
  verifyAuditFile,
} from "../../src/logging/audit-file.js";
import { SecretScrubber } from "../../src/logging/secret.js";

const KEY = "wk_live_audit_key_0001";
const SUBJECT: AuditSubject = {
  tool: "delete_domain",
  target: "piedpiper.com",
  account: "0123456789ab",
  dry_run: false,
  sandbox: false,
  confirmed_by: "agent",
};
const OUTCOME: AuditOutcome = {
  ...SUBJECT,
  outcome: "deletion_accepted",
  reason: null,
  delete_sent: true,
  joined: false,
  http_status: 202,
  attempts: 1,
  request_id: null,
  verified_by_read: false,
  duration_ms: 12,
};

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const newFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), "audit-"));
  folders.push(folder);
  return folder;
};
const fresh = () => join(newFolder(), "audit.jsonl");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const fileLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "");

function trail(file?: AuditFile) {
  const stderr: string[] = [];
  const audit = new AuditTrail({
    file,
    scrubber: new SecretScrubber(KEY),
    stderr: (line) => stderr.push(line),
  });
  return { audit, stderr };
}

describe("AuditTrail", () => {
  it("writes an intent and an outcome line, in the logs' format, with the key scrubbed", () => {
    const { audit, stderr } = trail();
    audit.intent({ ...SUBJECT, target: `x${KEY}` }, "DELETE /domains/piedpiper.com");
    audit.outcome(OUTCOME);
    const [intent, outcome] = stderr.map((line) => JSON.parse(line));
    expect(intent).toMatchObject({
      level: 30,
      name: "woodpecker-mcp",
      audit: "intent",
      target: "x[redacted]",
      request: "DELETE /domains/piedpiper.com",
      msg: "about to send a DELETE",
    });
    expect(outcome).toMatchObject({ audit: "outcome", outcome: "deletion_accepted" });
    expect(stderr.join("\n")).not.toContain(KEY);
  });

  it("throws when an intent line cannot be written, and never for an outcome line", () => {
    const audit = new AuditTrail({
      file: undefined,
      scrubber: new SecretScrubber(KEY),
      stderr: () => {
        throw Object.assign(new Error("broken pipe"), { code: "EPIPE" });
      },
    });
    expect(() => audit.intent(SUBJECT, "DELETE /domains/piedpiper.com")).toThrow(/broken pipe/);
    expect(() => audit.outcome(OUTCOME)).not.toThrow();
  });

  it("with a file: the same line goes to the file and to stderr, and stderr failing is no matter", () => {
    const path = fresh();
    const { audit, stderr } = trail(AuditFile.open(path));
    audit.intent(SUBJECT, "DELETE /domains/piedpiper.com");
    expect(fileLines(path)).toEqual(stderr);
    const quiet = new AuditTrail({
      file: AuditFile.open(path),
      scrubber: new SecretScrubber(KEY),
      stderr: () => {
        throw new Error("stderr is closed");
      },
    });
    expect(() => quiet.intent(SUBJECT, "DELETE /domains/hooli.com")).not.toThrow();
    expect(fileLines(path)).toHaveLength(2);
  });
});

describe("AuditFile", () => {
  it("is created with mode 0600, chains each line to the one before, and starts with 64 zeros", () => {
    const path = fresh();
    const file = AuditFile.open(path);
    const first = file.append({ audit: "intent" });
    const second = file.append({ audit: "outcome" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(first)).toEqual({ seq: 1, prev_hash: FIRST_PREV_HASH, audit: "intent" });
    expect(JSON.parse(second)).toEqual({ seq: 2, prev_hash: sha256(first), audit: "outcome" });
    expect(readFileSync(path, "utf8")).toBe(`${first}\n${second}\n`);
  });

  it("takes up the chain from the file's last line after a restart", () => {
    const path = fresh();
    const before = AuditFile.open(path);
    const last = before.append({ audit: "intent" });
    before.close();
    const line = AuditFile.open(path).append({ audit: "outcome" });
    expect(JSON.parse(line)).toMatchObject({ seq: 2, prev_hash: sha256(last) });
    expect(verifyAuditFile(path)).toEqual({ ok: true, lines: 2 });
  });

  it("keeps one chain when two processes append to one file", () => {
    const path = fresh();
    const [a, b] = [AuditFile.open(path), AuditFile.open(path)];
    for (let round = 0; round < 20; round += 1) {
      (round % 3 === 0 ? a : b).append({ round });
    }
    expect(verifyAuditFile(path)).toEqual({ ok: true, lines: 20 });
  });

  it("refuses a directory, and a path that cannot be opened", () => {
    const folder = newFolder();
    expect(() => AuditFile.open(folder)).toThrow(AuditFileError);
    expect(() => AuditFile.open(folder)).toThrow(
      "cannot be opened: EISDIR (it is a directory, not a file)",
    );
    expect(() => AuditFile.open(join(folder, "missing", "audit.jsonl"))).toThrow(
      "cannot be opened: ENOENT (its folder does not exist)",
    );
  });

  it("refuses to go on from a last line that is not an audit line, or is incomplete", () => {
    const path = fresh();
    writeFileSync(path, '{"seq":1,"prev_hash":"nope"}\n');
    expect(() => AuditFile.open(path)).toThrow(/last line is not an audit line/);
    const line = JSON.stringify({ seq: 1, prev_hash: FIRST_PREV_HASH });
    writeFileSync(path, `${line}\n{"seq":2,"prev`);
    expect(() => AuditFile.open(path)).toThrow(/last line is incomplete/);
  });

  it("takes over a lock left by a process that died holding it", () => {
    const path = fresh();
    writeFileSync(`${path}.lock`, "2147483646");
    AuditFile.open(path).append({ audit: "intent" });
    expect(fileLines(path)).toHaveLength(1);
  });
});

describe("verifyAuditFile", () => {
  function chain(count: number): string {
    const path = fresh();
    const file = AuditFile.open(path);
    for (let index = 0; index < count; index += 1) file.append({ index });
    return path;
  }

  it("says the chain is intact, for an empty file too", () => {
    expect(verifyAuditFile(chain(5))).toEqual({ ok: true, lines: 5 });
    expect(verifyAuditFile(chain(0))).toEqual({ ok: true, lines: 0 });
  });

  it("says where a line was edited", () => {
    const path = chain(5);
    const lines = fileLines(path);
    lines[2] = (lines[2] ?? "").replace('"index":2', '"index":7');
    writeFileSync(path, `${lines.join("\n")}\n`);
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, line: 4 });
  });

  it("says where a line was removed", () => {
    const path = chain(5);
    const lines = fileLines(path);
    lines.splice(1, 1);
    writeFileSync(path, `${lines.join("\n")}\n`);
    expect(verifyAuditFile(path)).toMatchObject({
      ok: false,
      line: 2,
      problem: expect.stringMatching(/not the SHA-256 of line 1: a line was removed or edited/),
    });
  });

  it("says when the first lines were removed, and when the last is incomplete", () => {
    const path = chain(3);
    writeFileSync(path, `${fileLines(path).slice(1).join("\n")}\n`);
    expect(verifyAuditFile(path)).toMatchObject({ ok: false, line: 1 });
    const other = chain(2);
    appendFileSync(other, '{"seq":3');
    expect(verifyAuditFile(other)).toMatchObject({
      ok: false,
      line: 3,
      problem: expect.stringMatching(/incomplete/),
    });
  });
});
