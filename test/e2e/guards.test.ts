import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BUILT_SERVER, type RawServer, spawnRaw, useWoodpecker } from "../helpers/spawn.js";
import { TEST_KEY } from "../helpers/stand-in.js";
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

describe("a setting this server does not know is never silently ignored", () => {
  it.each(["error", "silent"])(
    "names WOODPECKER_SAFE_MODE and WOODPECKER_NO_DELETE in a warning, even with LOG_LEVEL=%s",
    async (level) => {
      const raw = spawnRaw(
        env({ LOG_LEVEL: level, WOODPECKER_SAFE_MODE: "true", WOODPECKER_NO_DELETE: "1" }),
      );
      raw.child.stdin.end();
      expect(await raw.exited).toBe(0);
      const warnings = raw.logEntries().filter((entry) => entry.level === 40);
      expect(warnings.map((entry) => entry.msg)).toEqual([
        "WOODPECKER_NO_DELETE is not a setting of this server and is ignored",
        "WOODPECKER_SAFE_MODE is not a setting of this server and is ignored",
      ]);
    },
  );
});

describe("a person's yes cannot be skipped", () => {
  it("a client declaring elicitation as true gets no prompt, but the agent channel", async () => {
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
  /** A server whose confirmed DELETE is held open at the stand-in until the test releases it. */
  async function deleteInFlight(extra: Record<string, string> = {}) {
    const raw = spawnRaw(env(extra));
    raw.initialize();
    e2e.woodpecker.faults.push({ type: "hold", method: "DELETE" });
    await raw.confirmCall(1, "delete_microsoft_credential", { credential_id: 22334466 });
    await waitFor(() => e2e.woodpecker.held === 1, { what: "the DELETE" });
    return raw;
  }
  const shuttingDown = (raw: RawServer) =>
    waitFor(() => raw.output.stderr.includes("shutting down"), { what: "the shutdown" });
  /** A second SIGTERM while the first one drains: exit 1 at once; the last audit line. */
  async function signalledTwice(raw: RawServer) {
    raw.child.kill("SIGTERM");
    await shuttingDown(raw);
    raw.child.kill("SIGTERM");
    expect(await raw.exited).toBe(1);
    return audit(raw.logEntries()).at(-1);
  }

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "%s while a DELETE is in flight: the call finishes, is answered and audited, then the server exits 0",
    async (signal) => {
      const raw = await deleteInFlight();
      raw.child.kill(signal);
      await shuttingDown(raw);
      e2e.woodpecker.release();
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
    await shuttingDown(raw);
    e2e.woodpecker.release();
    expect(await raw.exited).toBe(0);
    expect(audit(raw.logEntries()).at(-1)).toMatchObject({
      audit: "outcome",
      outcome: "deleted",
      delete_sent: true,
    });
  });

  it(
    "a DELETE that outlasts the few seconds of grace is cancelled: answered and audited as cancelled, sent",
    { timeout: 15_000 },
    async () => {
      const raw = await deleteInFlight();
      raw.child.kill("SIGTERM");
      expect(await raw.exited).toBe(0);
      const answer = raw.messages().find((message) => message.id === 2)?.result as {
        structuredContent: { message: string; attempts: number; error: { kind: string } };
      };
      expect(answer.structuredContent).toMatchObject({ attempts: 1, error: { kind: "cancelled" } });
      expect(answer.structuredContent.message).toContain("after the DELETE was sent");
      expect(audit(raw.logEntries()).at(-1)).toMatchObject({
        audit: "outcome",
        tool: "delete_microsoft_credential",
        target: 22334466,
        outcome: "cancelled",
        attempts: 1,
        delete_sent: true,
      });
    },
  );

  it("a second signal exits at once, still auditing the call in flight", async () => {
    const raw = await deleteInFlight();
    expect(await signalledTwice(raw)).toMatchObject({
      outcome: "interrupted",
      delete_sent: true,
      attempts: 1,
    });
  });

  it("a call cut off while a read settles its ambiguous DELETE is audited with the DELETE's attempts, not the read's", async () => {
    const raw = spawnRaw(env({ WOODPECKER_MAX_RETRIES: "1" }));
    raw.initialize();
    await raw.confirmCall(1, "delete_domain", { domain_name: "piedpiper.com" }).then(() => {
      // The confirm reads the preview again, then its DELETE is carried out but the connection
      // resets; the retry hears "being deleted", and the read that settles it is held.
      e2e.woodpecker.faults.push(
        { type: "delay", ms: 0, method: "GET" },
        { type: "delay", ms: 0, method: "GET" },
        { type: "process_then_reset", method: "DELETE" },
        { type: "hold", method: "GET" },
      );
    });
    await waitFor(() => e2e.woodpecker.held === 1, { what: "the settling read" });
    expect(e2e.woodpecker.sent().slice(-3)).toEqual([
      "DELETE /domains/piedpiper.com",
      "DELETE /domains/piedpiper.com",
      "GET /domains/piedpiper.com",
    ]);
    expect(await signalledTwice(raw)).toMatchObject({
      outcome: "interrupted",
      delete_sent: true,
      attempts: 2,
    });
  });

  it("a client that closes stdout (EPIPE) does not crash the server: the DELETEs in flight are audited", async () => {
    e2e.woodpecker.account.credentials.push({ ...OTHER_CREDENTIAL });
    e2e.woodpecker.simulation.requestLimits = false;
    const raw = spawnRaw(env());
    raw.initialize();
    e2e.woodpecker.faults.push(
      { type: "hold", method: "DELETE" },
      { type: "hold", method: "DELETE" },
    );
    await raw.confirmCall(1, "delete_microsoft_credential", { credential_id: 22334466 });
    await raw.confirmCall(3, "delete_microsoft_credential", {
      credential_id: OTHER_CREDENTIAL.credential_id,
    });
    await waitFor(() => e2e.woodpecker.held === 2, { what: "both DELETEs" });
    raw.child.stdout.destroy();
    // The first answer written meets the closed pipe; the other DELETE is still in flight then.
    e2e.woodpecker.releaseOne();
    await shuttingDown(raw);
    e2e.woodpecker.release();
    expect(await raw.exited).toBe(0);
    const outcomes = audit(raw.logEntries()).filter(
      (entry) => entry.audit === "outcome" && entry.outcome !== "confirmation_required",
    );
    expect(outcomes.map((entry) => [entry.target, entry.outcome]).sort()).toEqual([
      [22334466, "deleted"],
      [OTHER_CREDENTIAL.credential_id, "deleted"],
    ]);
    expect(raw.output.stderr).toMatch(/stdout is closed/);
  });

  it.each(["silent", "fatal", "error", "warn"])(
    "LOG_LEVEL=%s still writes every audit line, and nothing else at info",
    async (level) => {
      const raw = spawnRaw(env({ LOG_LEVEL: level }));
      raw.initialize();
      await raw.confirmCall(1, "delete_microsoft_credential", { credential_id: 22334466 });
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

  it("stderr closed and no audit file: the intent cannot be written, so no DELETE is sent", async () => {
    const raw = spawnRaw(env());
    raw.child.stderr.destroy();
    raw.initialize();
    await raw.confirmCall(1, "delete_microsoft_credential", { credential_id: 22334466 });
    const { result } = await raw.answer(2);
    expect(JSON.stringify(result)).toContain('"kind":"unavailable"');
    expect(e2e.woodpecker.sent("DELETE")).toEqual([]);
    raw.child.stdin.end();
    expect(await raw.exited).toBe(0);
  });
});

describe("the queue in front of Woodpecker's limits", () => {
  it("fifty calls at once against the sandbox are all answered, none dropped", async () => {
    const server = await e2e.spawn({ args: ["--sandbox"], env: { WOODPECKER_MAX_RETRIES: "0" } });
    const names = ["list_domains", "list_microsoft_credentials", "get_domain"] as const;
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, index) => {
        const name = names[index % names.length] ?? "list_domains";
        return server.call(name, name === "get_domain" ? { domain_name: "hooli.com" } : {});
      }),
    );
    expect(outcomes.map(({ result }) => result.error?.kind ?? result.status)).toEqual(
      Array(50).fill("ok"),
    );
  });

  it("a queue is drained at shutdown: the queued call is still sent, answered and audited", async () => {
    const raw = spawnRaw(env({ WOODPECKER_MAX_IN_FLIGHT: "1" }));
    raw.initialize();
    await raw.answer(0);
    e2e.woodpecker.faults.push({ type: "hold", method: "GET" });
    raw.callTool(1, "list_domains", {});
    await waitFor(() => e2e.woodpecker.held === 1, { what: "the first read" });
    raw.callTool(2, "get_domain", { domain_name: "hooli.com" });
    raw.child.kill("SIGTERM");
    await waitFor(() => raw.output.stderr.includes("shutting down"), { what: "the shutdown" });
    expect(e2e.woodpecker.sent()).toEqual(["GET /domains"]);
    e2e.woodpecker.release();
    expect(await raw.exited).toBe(0);
    expect(e2e.woodpecker.sent()).toEqual([
      "GET /domains",
      "GET /domains/hooli.com",
      "GET /domains/hooli.com/mailboxes",
    ]);
    expect(raw.messages().filter((message) => message.id === 1 || message.id === 2)).toHaveLength(
      2,
    );
  });
});

describe("the key never leaves", () => {
  const SPECIAL_KEY = 'wp"live\\7c6b5a4f3e2d';

  /** The credential page's 401 body around a detail, as raw JSON text. */
  const problem = (detailJson: string) =>
    `{"title":"Unauthorized","status":401,"detail":${detailJson},"timestamp":"2025-03-05 17:57:00"}`;
  const every = (key: string) =>
    [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");

  it.each([
    ["whole", (key: string) => problem(JSON.stringify(`Invalid api key ${key}`))],
    [
      "where the 64 KiB read limit cuts the body (spaces fold the padding)",
      (key: string) =>
        problem(JSON.stringify(`${" ".repeat(64 * 1024 - 11)}${key}${" ".repeat(500)}`)),
    ],
    [
      "\\u-escaped, where the decoded detail is cut at 300 characters",
      (key: string) => problem(`"${"x".repeat(290)}${every(key)}"`),
    ],
    [
      "where the quoted excerpt is cut",
      (key: string) => problem(JSON.stringify(`${"x".repeat(150)} ${key} ${"y".repeat(400)}`)),
    ],
    [
      "where the detail is cut",
      (key: string) => problem(JSON.stringify(`${"x".repeat(290)} ${key} ${"y".repeat(400)}`)),
    ],
    [
      "split by a zero-width space",
      (key: string) => problem(JSON.stringify(`${key.slice(0, 9)}\u200b${key.slice(9)}`)),
    ],
    ["one character short", (key: string) => problem(JSON.stringify(`bad key ${key.slice(1)}`))],
    [
      "as an HTML page with an entity for its first character",
      (key: string) => `<html><p>&#${key.charCodeAt(0)};${key.slice(1)}</p></html>`,
    ],
    [
      "with a combining accent inside",
      (key: string) => problem(JSON.stringify(`${key.slice(0, 5)}\u0301${key.slice(5)}`)),
    ],
    [
      "in part, as a request id",
      (key: string) =>
        JSON.stringify({
          type: "validation_error",
          code: "invalid_fields",
          request_id: key.slice(0, 10),
          fields: [],
        }),
    ],
  ])("echoed %s by the API", async (_label, body) => {
    for (const key of [TEST_KEY, SPECIAL_KEY]) {
      const server = await start({ WOODPECKER_API_KEY: key, LOG_LEVEL: "debug" });
      e2e.woodpecker.faults.push({
        type: "respond",
        status: 401,
        body: body(key),
        headers: { "content-type": "application/json" },
      });
      const { raw } = await server.call("list_microsoft_credentials");
      const everything = [
        JSON.stringify(raw),
        ...server.stdoutMessages,
        server.stderr.join(""),
      ].join("\n");
      for (const piece of [
        key.slice(0, 6),
        key.slice(6, 12),
        key.slice(-6),
        JSON.stringify(key).slice(1, -1),
      ]) {
        expect(everything).not.toContain(piece);
      }
    }
  });
});

describe("the key cannot be read out of its own scrubbing", () => {
  // TEST_KEY holds "5f1c9a7e". Were a guessed part of the key redacted from the caller's own
  // words echoed back, each call would say whether the guess is in the key.
  const GUESS = "5f1c9a7e";

  it("a guessed part of the key comes back as sent, from this server and from Woodpecker", async () => {
    const server = await start();
    const own = await server.call("get_domain", { domain_name: `${GUESS}.com` });
    expect(own.result.error?.reason).toBe("domain_not_found");
    expect(own.result.message).toContain(`${GUESS}.com`);
    // Both reads of get_domain get the echo.
    const echo = {
      type: "respond",
      status: 400,
      body: JSON.stringify({
        details: `no domain ${GUESS}.net here; key ${TEST_KEY.slice(0, 16)}`,
      }),
      headers: { "content-type": "application/json" },
    } as const;
    e2e.woodpecker.faults.push(echo, echo);
    const echoed = await server.call("get_domain", { domain_name: `${GUESS}.net` });
    const text = JSON.stringify(echoed.raw);
    expect(text).toContain(`no domain ${GUESS}.net here`);
    // What the caller did not send still goes: a longer part of the key, and the whole key.
    expect(text).not.toContain(TEST_KEY.slice(0, 16));
    expect(text).toContain("[redacted]");
  });

  it("a domain that shares a part with the key is previewed and deleted like any other", async () => {
    e2e.woodpecker.account.domains.push({
      name: `${GUESS}.com`,
      provider: "GOOGLE",
      isCustomDomain: false,
      isReady: true,
      deletionInProgress: false,
      expires: "2027-06-24T10:00:00",
      created: "2025-06-24T10:00:00",
      maxMailboxes: 5,
      mailboxes: [
        {
          first_name: "Ops",
          last_name: "Team",
          email: `ops@${GUESS}.com`,
          provider: "GOOGLE",
          status: "PAID",
        },
      ],
    });
    const server = await start();
    const preview = await server.call("delete_domain", { domain_name: `${GUESS}.com` });
    expect(preview.result.status).toBe("confirmation_required");
    expect(preview.result.message).toContain(`ops@${GUESS}.com`);
    const done = await server.call("delete_domain", {
      domain_name: `${GUESS}.com`,
      confirm: `${GUESS}.com`,
      preview_token: preview.result.confirmation?.preview_token,
    });
    expect(done.result.status).toBe("deletion_accepted");
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
