import { spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { useAuditProcesses } from "../helpers/audit-processes.js";
import { BUILT_SERVER, spawnRaw, useWoodpecker } from "../helpers/spawn.js";
import { waitFor } from "../helpers/wait.js";

// WOODPECKER_AUDIT_FILE through the real bin: what reaches the file, and what the server does
// when the file, its lock or its path is not what it should be.

const e2e = useWoodpecker();
const processes = useAuditProcesses();
const env = e2e.env;
const start = (extra: Record<string, string> = {}) => e2e.spawn({ env: env(extra) });

const audit = (entries: Record<string, unknown>[]) =>
  entries.filter((entry) => entry.audit !== undefined);
const fileEntries = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const verify = (path: string, ...anchor: string[]) =>
  spawnSync(process.execPath, [BUILT_SERVER, "--verify-audit", path, ...anchor], {
    encoding: "utf8",
  });
/** Starts the bin and says how it stopped, when it stops at once. */
const startFails = (extra: Record<string, string>) =>
  spawnSync(process.execPath, [BUILT_SERVER], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, ...env(extra) },
    input: "",
  });

describe("WOODPECKER_AUDIT_FILE", () => {
  let folder = "";
  beforeEach(() => {
    folder = processes.folder();
  });

  it("kill -9 mid-DELETE leaves the intent line on disk, in an intact chain", async () => {
    const file = join(folder, "audit.jsonl");
    const raw = spawnRaw(env({ WOODPECKER_AUDIT_FILE: file }));
    raw.initialize();
    e2e.woodpecker.faults.push({ type: "hold", method: "DELETE" });
    await raw.confirmCall(1, "delete_domain", { domain_name: "piedpiper.com" });
    await waitFor(() => e2e.woodpecker.held === 1, { what: "the DELETE" });
    raw.child.kill("SIGKILL");
    await raw.exited;
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.seq, line.audit, line.outcome ?? line.request])).toEqual([
      [1, "outcome", "confirmation_required"],
      [2, "intent", "DELETE /domains/piedpiper.com"],
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(verify(file)).toMatchObject({
      status: 0,
      stdout: `${file}: 2 lines, the chain is intact\n`,
    });
  });

  it("/dev/full: the intent cannot be written, so no DELETE is sent; the outcome still reaches stderr", async () => {
    const server = await start({ WOODPECKER_AUDIT_FILE: "/dev/full" });
    const { result } = await server.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.error).toMatchObject({ kind: "unavailable", retryable: false });
    expect(result.message).toMatch(/could not record that a DELETE was about to be sent/);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    expect(audit(server.logEntries()).at(-1)).toMatchObject({ outcome: "unavailable" });
  });

  it.each([
    ["a directory", (dir: string) => dir, /EISDIR \(it is a directory, not a file\)/],
    [
      "a path in a folder that does not exist",
      (dir: string) => join(dir, "no", "a.jsonl"),
      /ENOENT/,
    ],
  ])("%s stops the server at start, in one line", (_label, path, why) => {
    const run = startFails({ WOODPECKER_AUDIT_FILE: path(folder) });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      new RegExp(`^woodpecker-mcp-destructive: WOODPECKER_AUDIT_FILE .*${why.source}`),
    );
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a restart takes up the chain; a tampered line is found by --verify-audit", async () => {
    const file = join(folder, "audit.jsonl");
    for (const domain of ["piedpiper.com", "hooli.com"]) {
      const server = await start({ WOODPECKER_AUDIT_FILE: file });
      await server.confirmed("delete_domain", { domain_name: domain });
      await server.close();
    }
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.map((line) => JSON.parse(line).seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(verify(file).status).toBe(0);
    writeFileSync(
      file,
      `${lines.map((line, i) => (i === 3 ? line.replace("hooli.com", "hooli.org") : line)).join("\n")}\n`,
    );
    expect(verify(file)).toMatchObject({
      status: 1,
      stdout: `${file}: line 5 of 6 has a prev_hash that is not the SHA-256 of line 4: a line was removed or edited\n`,
    });
  });

  it.each([
    [
      "a symlink",
      (file: string) => symlinkSync(join(folder, "elsewhere.jsonl"), file),
      /ELOOP \(it is a symlink: name the file itself\)/,
    ],
    [
      "a file others can write",
      (file: string) => {
        writeFileSync(file, "");
        chmodSync(file, 0o666);
      },
      /can be written by others \(mode 666\): make it 600 \(chmod 600 \S+\)/,
    ],
  ])("%s at the path stops the server at start, in one line", (_label, make, why) => {
    const file = join(folder, "audit.jsonl");
    make(file);
    const run = startFails({ WOODPECKER_AUDIT_FILE: file });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      new RegExp(`^woodpecker-mcp-destructive: WOODPECKER_AUDIT_FILE .*${why.source}\n$`),
    );
    expect(e2e.woodpecker.requests).toEqual([]);
  });

  it("a start after a torn write mends the file: the torn bytes are kept in a line that says so, and the chain goes on", async () => {
    const file = join(folder, "audit.jsonl");
    const first = await start({ WOODPECKER_AUDIT_FILE: file });
    await first.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    await first.close();
    const whole = readFileSync(file, "utf8");
    const torn = '{"seq":4,"prev_hash":"0123';
    writeFileSync(file, `${whole}${torn}`);
    const server = await start({ WOODPECKER_AUDIT_FILE: file });
    await waitFor(() => audit(server.logEntries()).length === 1, { what: "the recovery line" });
    expect(audit(server.logEntries())[0]).toMatchObject({
      seq: 4,
      audit: "recovered",
      level: 40,
      torn_bytes: torn.length,
    });
    await server.confirmed("delete_domain", { domain_name: "hooli.com" });
    const entries = fileEntries(file);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Buffer.from(String(entries[3]?.torn_base64), "base64").toString()).toBe(torn);
    expect(verify(file).status).toBe(0);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([
      "DELETE /domains/piedpiper.com",
      "DELETE /domains/hooli.com",
    ]);
  });

  it.each([
    [
      "two lines cut from its end",
      (file: string) => {
        const lines = readFileSync(file, "utf8")
          .split("\n")
          .filter((line) => line !== "");
        writeFileSync(file, `${lines.slice(0, -2).join("\n")}\n`);
      },
    ],
    ["cut to nothing", (file: string) => truncateSync(file, 0)],
  ])(
    "%s under the running server: it appends nothing more, says so at error level, sends no DELETE; the anchor from stderr shows the cut",
    async (_label, cut) => {
      const file = join(folder, "audit.jsonl");
      const server = await start({ WOODPECKER_AUDIT_FILE: file });
      await server.confirmed("delete_domain", { domain_name: "piedpiper.com" });
      const last = audit(server.logEntries()).at(-1) ?? {};
      const anchor = `${String(last.seq)}:${String(last.hash)}`;
      expect(verify(file, "--anchor", anchor).status).toBe(0);
      cut(file);
      const cutFile = readFileSync(file, "utf8");
      const { result } = await server.confirmed("delete_domain", { domain_name: "hooli.com" });
      expect(result.error).toMatchObject({ kind: "unavailable", retryable: false });
      expect(e2e.woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
      expect(readFileSync(file, "utf8")).toBe(cutFile);
      expect(server.logEntries()).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: "the audit intent line could not be written",
          err: expect.objectContaining({
            message: expect.stringMatching(
              /under this server: its line seq 3 is no longer where it was written/,
            ),
          }),
        }),
      );
      expect(audit(server.logEntries()).at(-1)).toMatchObject({
        level: 50,
        outcome: "unavailable",
        audit_file_error: expect.stringMatching(/nothing more is appended to it/),
      });
      expect(verify(file, "--anchor", anchor)).toMatchObject({
        status: 1,
        stdout: expect.stringMatching(/the anchor's line, seq 3, is not in the file/),
      });
    },
  );

  it("a lock left by a process killed holding it, or a stale foreign one, does not stall a deletion", async () => {
    const file = join(folder, "audit.jsonl");
    const holder = await processes.holder(file);
    holder.child.kill("SIGKILL");
    await holder.exited;
    const server = await start({ WOODPECKER_AUDIT_FILE: file });
    await server.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    // Empty lock files: one where earlier versions kept theirs, one among this version's turns.
    writeFileSync(`${file}.lock`, "");
    mkdirSync(`${file}.locks`, { recursive: true });
    writeFileSync(`${file}.locks/1000`, "");
    await server.confirmed("delete_domain", { domain_name: "hooli.com" });
    expect(e2e.woodpecker.sent("DELETE")).toHaveLength(2);
    expect(fileEntries(file).map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("while a live process holds the lock, the server goes on answering; the lines wait, then reach the file and stderr in order", async () => {
    const file = join(folder, "audit.jsonl");
    const server = await start({ WOODPECKER_AUDIT_FILE: file });
    const holder = await processes.holder(file);
    const preview = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    const token = preview.result.confirmation?.preview_token;
    const deleting = server.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: token,
    });
    // Not blocked: a read is answered while the intent line waits for the lock.
    const read = await server.call("list_domains");
    expect(read.result.status).toBe("ok");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    expect(audit(server.logEntries())).toEqual([]);
    holder.child.kill("SIGKILL");
    const { result } = await deleting;
    expect(result.status).toBe("deletion_accepted");
    await waitFor(() => fileEntries(file).length === 3, { what: "the outcome line" });
    const written = fileEntries(file).map((entry) => [
      entry.seq,
      entry.audit,
      entry.outcome ?? entry.request,
    ]);
    expect(written).toEqual([
      [1, "outcome", "confirmation_required"],
      [2, "intent", "DELETE /domains/piedpiper.com"],
      [3, "outcome", "deletion_accepted"],
    ]);
    await waitFor(() => audit(server.logEntries()).length === 3, { what: "the stderr copies" });
    expect(audit(server.logEntries()).map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });
});
