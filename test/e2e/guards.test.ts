import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CREDENTIAL_PAGE } from "../helpers/page-examples.js";
import { BUILT_SERVER, spawnRaw, useWoodpecker } from "../helpers/spawn.js";
import { jsonFault, TEST_KEY } from "../helpers/stand-in.js";
import { waitFor } from "../helpers/wait.js";

// Each test here tries to get past one of the server's guards through the real bin, and fails.

const e2e = useWoodpecker();
const env = e2e.env;
const start = (extra: Record<string, string> = {}) => e2e.spawn({ env: env(extra) });

const audit = (entries: Record<string, unknown>[]) =>
  entries.filter((entry) => entry.audit !== undefined);

describe("a typo in a setting never deletes for real", () => {
  it.each([
    ["WOODPECKER_DRYRUN", "true", "WOODPECKER_DRY_RUN"],
    ["WOODPECKER_DRY_RUNS", "true", "WOODPECKER_DRY_RUN"],
    ["woodpecker_dry_run", "true", "WOODPECKER_DRY_RUN"],
    ["WOODPECKER_PROTECTED_DOMAIN", "piedpiper.com", "WOODPECKER_PROTECTED_DOMAINS"],
    ["WOODPECKER_READONLY", "true", "WOODPECKER_READ_ONLY"],
  ])(
    "%s=%s stops the server at start, naming %s; nothing reaches Woodpecker",
    (name, value, meant) => {
      const run = spawnSync(process.execPath, [BUILT_SERVER], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, ...env({ [name]: value }) },
        input: "",
      });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        `woodpecker-mcp-destructive: ${name}: unknown variable; did you mean ${meant}?\n`,
      );
      expect(e2e.woodpecker.requests).toEqual([]);
    },
  );
});

describe("the confirmation cannot be skipped", () => {
  it("a confirm on the first call never deletes", async () => {
    const server = await start();
    const { result } = await server.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
    });
    expect(result.status).toBe("confirmation_required");
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a cascade that changed after the preview is not deleted on the old confirmation", async () => {
    const server = await start();
    const first = await server.call("delete_domain", { domain_name: "piedpiper.com" });
    e2e.woodpecker.simulation.findDomain("piedpiper.com")?.mailboxes.push({
      first_name: "Jared",
      last_name: "Dunn",
      email: "jared@piedpiper.com",
      provider: "MICROSOFT",
      status: "PAID",
    });
    const { result } = await server.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: first.result.confirmation?.preview_token,
    });
    expect(result).toMatchObject({
      status: "confirmation_required",
      confirmation: { reason: "cascade_changed" },
    });
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
  });

  it("a client declaring elicitation as true gets no prompt, but the two-step guard", async () => {
    const raw = spawnRaw(env());
    raw.initialize({ elicitation: true });
    raw.callTool(1, "delete_domain", { domain_name: "piedpiper.com", confirm: "piedpiper.com" });
    await waitFor(() => raw.messages().some((message) => message.id === 1), { what: "the answer" });
    const messages = raw.messages();
    expect(messages.find((message) => message.id === 0)?.error).toBeUndefined();
    expect(messages.some((message) => message.method === "elicitation/create")).toBe(false);
    expect(JSON.stringify(messages.find((message) => message.id === 1))).toContain(
      "confirmation_required",
    );
    expect(raw.output.stderr).toMatch(/declared elicitation as something other than an object/);
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    raw.child.stdin.end();
    expect(await raw.exited).toBe(0);
  });

  it("a protected domain is refused, and not even read", async () => {
    const server = await start({ WOODPECKER_PROTECTED_DOMAINS: "piedpiper.com" });
    await server.call("delete_domain", { domain_name: "PIEDPIPER.COM" });
    const { result } = await server.call("delete_domain", {
      domain_name: "piedpiper.com.",
      confirm: "piedpiper.com",
    });
    expect(result.error?.kind).toBe("protected");
    expect(e2e.woodpecker.requests).toEqual([]);
  });
});

describe("the audit trail cannot be lost", () => {
  async function deleteInFlight(extra: Record<string, string> = {}, delete_ms = 800) {
    const raw = spawnRaw(env(extra));
    raw.initialize();
    e2e.woodpecker.faults.push({ type: "delay", ms: delete_ms, method: "DELETE" });
    await raw.confirmCall(1, "delete_microsoft_credential", { credential_id: 22334466 });
    await waitFor(() => e2e.woodpecker.sent("DELETE").length === 1, { what: "the DELETE" });
    return raw;
  }

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "%s while a DELETE is in flight: the call finishes, is answered and audited, then the server exits 0",
    async (signal) => {
      const raw = await deleteInFlight();
      raw.child.kill(signal);
      expect(await raw.exited).toBe(0);
      expect(raw.messages().find((message) => message.id === 2)?.result).toBeDefined();
      expect(
        audit(raw.logEntries()).map((entry) => [entry.audit, entry.outcome ?? entry.request]),
      ).toEqual([
        ["outcome", "confirmation_required"],
        ["intent", "DELETE /mailboxes/microsoft/credentials/22334466"],
        ["outcome", "deleted"],
      ]);
    },
  );

  it("stdin closed while a DELETE is in flight: the call is still audited", async () => {
    const raw = await deleteInFlight();
    raw.child.stdin.end();
    expect(await raw.exited).toBe(0);
    expect(audit(raw.logEntries()).at(-1)).toMatchObject({
      audit: "outcome",
      outcome: "deleted",
      delete_sent: true,
    });
  });

  it(
    "a DELETE that outlasts the few seconds of grace is audited as interrupted",
    { timeout: 15_000 },
    async () => {
      const raw = spawnRaw(env());
      raw.initialize();
      e2e.woodpecker.faults.push({ type: "hang", method: "DELETE" });
      await raw.confirmCall(1, "delete_microsoft_credential", { credential_id: 22334466 });
      await waitFor(() => e2e.woodpecker.sent("DELETE").length === 1, { what: "the DELETE" });
      raw.child.kill("SIGTERM");
      expect(await raw.exited).toBe(0);
      expect(audit(raw.logEntries()).at(-1)).toMatchObject({
        audit: "outcome",
        tool: "delete_microsoft_credential",
        target: 22334466,
        outcome: "interrupted",
        delete_sent: true,
      });
    },
  );

  it("a second signal exits at once, still auditing the call in flight", async () => {
    const raw = await deleteInFlight({}, 10_000);
    raw.child.kill("SIGTERM");
    await waitFor(() => raw.output.stderr.includes("shutting down"), { what: "the shutdown" });
    raw.child.kill("SIGTERM");
    expect(await raw.exited).toBe(1);
    expect(audit(raw.logEntries()).at(-1)).toMatchObject({
      outcome: "interrupted",
      delete_sent: true,
    });
  });

  it("a client that closes stdout (EPIPE) does not crash the server: the other DELETE in flight is audited", async () => {
    e2e.woodpecker.account.credentials.push({ ...OTHER_CREDENTIAL });
    const raw = spawnRaw(env());
    raw.initialize();
    await waitFor(() => raw.messages().some((message) => message.id === 0), { what: "initialize" });
    e2e.woodpecker.faults.push(
      { type: "delay", ms: 200, method: "DELETE", path: "/22334466" },
      { type: "delay", ms: 1_200, method: "DELETE", path: `/${OTHER_CREDENTIAL.credential_id}` },
    );
    await raw.confirmCall(1, "delete_microsoft_credential", { credential_id: 22334466 });
    await raw.confirmCall(3, "delete_microsoft_credential", {
      credential_id: OTHER_CREDENTIAL.credential_id,
    });
    await waitFor(() => e2e.woodpecker.sent("DELETE").length === 2, { what: "both DELETEs" });
    raw.child.stdout.destroy();
    expect(await raw.exited).toBe(0);
    const outcomes = audit(raw.logEntries()).filter(
      (entry) => entry.audit === "outcome" && entry.outcome !== "confirmation_required",
    );
    expect(outcomes.map((entry) => [entry.target, entry.outcome])).toEqual([
      [22334466, "deleted"],
      [OTHER_CREDENTIAL.credential_id, "deleted"],
    ]);
    expect(raw.output.stderr).toMatch(/stdout is closed/);
  });

  it.each(["silent", "fatal", "error", "warn"])(
    "LOG_LEVEL=%s still writes every audit line",
    async (level) => {
      const raw = await deleteInFlight({ LOG_LEVEL: level }, 50);
      await raw.answer(2);
      raw.child.stdin.end();
      await raw.exited;
      const entries = raw.logEntries();
      expect(audit(entries).map((entry) => entry.audit)).toEqual(["outcome", "intent", "outcome"]);
      expect(entries.filter((entry) => entry.audit === undefined && entry.level === 30)).toEqual(
        [],
      );
    },
  );
});

describe("the key never leaves", () => {
  const SPECIAL_KEY = 'wp"live\\7c6b5a4f3e2d';

  it.each([
    ["whole", (key: string) => `Invalid api key ${key}`],
    [
      "where the quoted excerpt is cut",
      (key: string) => `${"x".repeat(150)} ${key} ${"y".repeat(400)}`,
    ],
    ["where the detail is cut", (key: string) => `${"x".repeat(290)} ${key} ${"y".repeat(400)}`],
    ["split by a zero-width space", (key: string) => `${key.slice(0, 9)}\u200b${key.slice(9)}`],
  ])("echoed %s by the API", async (_label, echo) => {
    for (const key of [TEST_KEY, SPECIAL_KEY]) {
      const server = await start({ WOODPECKER_API_KEY: key, LOG_LEVEL: "debug" });
      e2e.woodpecker.faults.push(jsonFault(401, { ...CREDENTIAL_PAGE[401], detail: echo(key) }));
      const { raw } = await server.call("list_microsoft_credentials");
      const everything = [
        JSON.stringify(raw),
        ...server.stdoutMessages,
        server.stderr.join(""),
      ].join("\n");
      for (const piece of [key.slice(0, 9), key.slice(9), JSON.stringify(key).slice(1, -1)]) {
        expect(everything).not.toContain(piece);
      }
    }
  });
});

describe("what a client sends cannot break the server", () => {
  it("a message over 10 MB is logged as an error, and the server exits 1", async () => {
    const raw = spawnRaw(env());
    raw.initialize();
    raw.child.stdin.write("x".repeat(11 * 1024 * 1024));
    expect(await raw.exited).toBe(1);
    expect(raw.logEntries()).toContainEqual(
      expect.objectContaining({ level: 50, msg: expect.stringMatching(/larger than the 10 MB/) }),
    );
  });
});

const OTHER_CREDENTIAL = {
  credential_id: 22334488,
  name: "Second app",
  tenant_id: "tenant",
  client_id: "client",
  secret_expires_at: "2028-01-01T00:00:00Z",
};
