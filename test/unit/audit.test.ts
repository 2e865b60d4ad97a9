import { createHash } from "node:crypto";
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type AuditOutcome, type AuditSubject, AuditTrail } from "../../src/logging/audit.js";
import { verifyAuditFile } from "../../src/logging/audit-chain.js";
import { AuditFile } from "../../src/logging/audit-file.js";
import { SecretScrubber } from "../../src/logging/secret.js";
import { useAuditProcesses } from "../helpers/audit-processes.js";

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
const DELETE = "DELETE /domains/piedpiper.com";

const processes = useAuditProcesses();
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const fresh = () => join(processes.folder(), "audit.jsonl");
const fileLines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "");

function trail(file?: AuditFile, waitMs?: { intent: number; outcome: number }) {
  const stderr: string[] = [];
  const audit = new AuditTrail({
    file,
    scrubber: new SecretScrubber(KEY),
    stderr: (line) => stderr.push(line),
    ...(waitMs === undefined ? {} : { waitMs }),
  });
  const entries = () => stderr.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { audit, stderr, entries };
}

describe("AuditTrail", () => {
  it("writes an intent and an outcome line, in the logs' format, with the key scrubbed", async () => {
    const { audit, stderr, entries } = trail();
    await audit.intent({ ...SUBJECT, target: `x${KEY}` }, DELETE);
    audit.outcome(OUTCOME);
    const [intent, outcome] = entries();
    expect(intent).toMatchObject({
      level: 30,
      name: "woodpecker-mcp",
      audit: "intent",
      target: "x[redacted]",
      request: DELETE,
      msg: "about to send a DELETE",
    });
    expect(outcome).toMatchObject({ audit: "outcome", outcome: "deletion_accepted" });
    expect(stderr.join("\n")).not.toContain(KEY);
  });

  it("rejects when an intent line cannot be written, and never throws for an outcome line", async () => {
    const audit = new AuditTrail({
      file: undefined,
      scrubber: new SecretScrubber(KEY),
      stderr: () => {
        throw Object.assign(new Error("broken pipe"), { code: "EPIPE" });
      },
    });
    await expect(audit.intent(SUBJECT, DELETE)).rejects.toThrow(/broken pipe/);
    expect(() => audit.outcome(OUTCOME)).not.toThrow();
  });

  it("with a file: each line goes to the file, then to stderr with its own hash; stderr failing is no matter", async () => {
    const path = fresh();
    const { audit, entries } = trail(AuditFile.open(path));
    await audit.intent(SUBJECT, DELETE);
    audit.outcome(OUTCOME);
    expect(entries()).toEqual(
      fileLines(path).map((line) => ({ ...JSON.parse(line), hash: sha256(line) })),
    );
    // The seq and hash on stderr are the anchor the verifier takes.
    const last = entries().at(-1) ?? {};
    expect(verifyAuditFile(path, { seq: Number(last.seq), hash: String(last.hash) })).toEqual({
      ok: true,
      lines: 2,
    });
    const quiet = new AuditTrail({
      file: AuditFile.open(path),
      scrubber: new SecretScrubber(KEY),
      stderr: () => {
        throw new Error("stderr is closed");
      },
    });
    await quiet.intent(SUBJECT, "DELETE /domains/hooli.com");
    expect(fileLines(path)).toHaveLength(3);
  });

  it("a line waits, without blocking the process, while another process holds the file's lock; then it is written, in order", async () => {
    const path = fresh();
    const { audit, entries } = trail(AuditFile.open(path));
    const holder = await processes.holder(path);
    audit.outcome({ ...OUTCOME, outcome: "confirmation_required" });
    let written = false;
    const intent = audit.intent(SUBJECT, DELETE).then(() => (written = true));
    // The event loop turns while they wait.
    await new Promise((resolve) => setImmediate(resolve));
    expect([written, entries(), fileLines(path)]).toEqual([false, [], []]);
    holder.child.kill("SIGKILL");
    await intent;
    audit.outcome(OUTCOME);
    await audit.settled(5_000);
    expect(fileLines(path).map((line) => JSON.parse(line).outcome ?? "intent")).toEqual([
      "confirmation_required",
      "intent",
      "deletion_accepted",
    ]);
    expect(entries().map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it("gives a line up once it waited too long: an intent rejects, an outcome goes to stderr at error level", async () => {
    const path = fresh();
    const { audit, entries } = trail(AuditFile.open(path), { intent: 30, outcome: 60 });
    await processes.holder(path);
    await expect(audit.intent(SUBJECT, DELETE)).rejects.toThrow(
      /held the audit file's lock too long/,
    );
    audit.outcome(OUTCOME);
    await audit.settled(5_000);
    expect(entries()).toEqual([
      expect.objectContaining({
        audit: "outcome",
        level: 50,
        audit_file_error: expect.stringMatching(
          /^not written to WOODPECKER_AUDIT_FILE: another process/,
        ),
      }),
    ]);
    expect(fileLines(path)).toEqual([]);
  });

  it("at exit, the lines still waiting go to stderr at error level, and settled() returns when its time is up", async () => {
    const path = fresh();
    const { audit, entries } = trail(AuditFile.open(path));
    await processes.holder(path);
    audit.outcome(OUTCOME);
    await audit.settled(30);
    expect(entries()).toEqual([]);
    audit.abandon();
    expect(entries()).toEqual([
      expect.objectContaining({
        level: 50,
        audit_file_error: expect.stringMatching(/exited while the line waited for the file's lock/),
      }),
    ]);
  });

  it("a file cut under the server: the intent rejects (no DELETE), the outcome reaches stderr at error level", async () => {
    const path = fresh();
    const { audit, entries } = trail(AuditFile.open(path));
    await audit.intent(SUBJECT, DELETE);
    truncateSync(path, 0);
    await expect(audit.intent(SUBJECT, DELETE)).rejects.toThrow(/shrank under this server/);
    audit.outcome(OUTCOME);
    expect(entries().at(-1)).toMatchObject({
      level: 50,
      outcome: "deletion_accepted",
      audit_file_error: expect.stringMatching(/shrank under this server/),
    });
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("mends a torn end at start, and says so on stderr", async () => {
    const path = fresh();
    writeFileSync(path, '{"seq":1,"prev');
    const { audit, entries } = trail(AuditFile.open(path));
    audit.mendFile();
    expect(entries()).toEqual([
      expect.objectContaining({ seq: 1, level: 40, audit: "recovered", torn_bytes: 14 }),
    ]);
    expect(fileLines(path)).toHaveLength(1);
    // Without a file there is nothing to mend.
    const plain = trail();
    plain.audit.mendFile();
    expect(plain.stderr).toEqual([]);
  });
});
