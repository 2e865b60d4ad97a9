import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, type HarnessOptions, startHarness, TEST_KEY } from "../helpers/harness.js";
import { CREDENTIAL_PAGE, DOMAIN_PAGE } from "../helpers/page-examples.js";
import { jsonFault } from "../helpers/stand-in.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

describe("tools/list", () => {
  it("lists both tools with titles, schemas and the required annotations", async () => {
    const { client } = await start();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      "delete_domain",
      "delete_microsoft_credential",
    ]);
    for (const tool of tools) {
      expect(tool.title).toBeTruthy();
      expect(tool.description).toMatch(/cannot be (undone|recovered)/i);
      expect(tool.annotations).toMatchObject({
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: true,
      });
      expect(tool.outputSchema?.required).toEqual([
        "ok",
        "status",
        "dry_run",
        "sandbox",
        "message",
      ]);
      expect(tool.inputSchema.additionalProperties).toBe(false);
    }
    const [domain, credential] = tools;
    expect(domain?.inputSchema.required).toEqual(["domain_name"]);
    expect(Object.keys(domain?.inputSchema.properties ?? {})).toEqual(["domain_name", "confirm"]);
    expect(domain?.description).toMatch(/every mailbox/);
    expect(credential?.inputSchema.required).toEqual(["credential_id"]);
    expect(credential?.description).toContain("MICROSOFT_GRAPH_CREDENTIAL_IN_USE");
  });

  it("exposes only WOODPECKER_ENABLED_TOOLS", async () => {
    const { client } = await start({
      env: { WOODPECKER_ENABLED_TOOLS: "delete_microsoft_credential" },
    });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["delete_microsoft_credential"]);
    await expect(
      client.callTool({ name: "delete_domain", arguments: { domain_name: "piedpiper.com" } }),
    ).resolves.toMatchObject({
      isError: true,
    });
  });
});

describe("delete_microsoft_credential", () => {
  it("deletes a free credential: 204 → deleted", async () => {
    const h = await start();
    const { result, isError, text } = await h.call("delete_microsoft_credential", {
      credential_id: 22334466,
    });
    expect(isError).toBe(false);
    expect(result).toMatchObject({
      ok: true,
      status: "deleted",
      credential_id: 22334466,
      http_status: 204,
      sandbox: false,
    });
    expect(result.error).toBeUndefined();
    expect(text).toContain(result.message);
    expect(JSON.parse(text.slice(text.indexOf("\n\n") + 2))).toEqual(result);
    expect(h.woodpecker.account.credentials.map((c) => c.credential_id)).not.toContain(22334466);
  });

  it("accepts a string of digits", async () => {
    const h = await start();
    const { result } = await h.call("delete_microsoft_credential", { credential_id: " 22334466 " });
    expect(result).toMatchObject({ ok: true, credential_id: 22334466 });
  });

  it("surfaces MICROSOFT_GRAPH_CREDENTIAL_IN_USE with the hint to free the mailbox first", async () => {
    const h = await start();
    const { result, isError } = await h.call("delete_microsoft_credential", {
      credential_id: 22334455,
    });
    expect(isError).toBe(true);
    expect(result).toMatchObject({
      ok: false,
      status: "error",
      http_status: 422,
      error: {
        kind: "validation_error",
        code: "MICROSOFT_GRAPH_CREDENTIAL_IN_USE",
        retryable: false,
      },
    });
    expect(result.error?.hint).toMatch(/Disconnect or delete the mailbox/);
  });

  it("reports an unknown id as not_found with the page's body", async () => {
    const h = await start();
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 999 });
    expect(result.error).toMatchObject({
      kind: "not_found",
      title: "Not Found",
      detail: "Requested resource does not exist",
    });
    expect(result.error?.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it.each([0, -1, 1.5, "abc", "12a", "", null, true, [1], { id: 1 }, "1e3", 2 ** 60])(
    "refuses credential_id %j as invalid_input and sends nothing",
    async (value) => {
      const h = await start();
      const { result } = await h.call("delete_microsoft_credential", { credential_id: value });
      expect(result.error?.kind).toBe("invalid_input");
      expect(result.error?.fields?.[0]?.field).toBe("credential_id");
      expect(h.woodpecker.requests).toHaveLength(0);
    },
  );

  it("refuses a missing id and unknown arguments", async () => {
    const h = await start();
    const missing = await h.call("delete_microsoft_credential", {});
    expect(missing.result.error?.fields).toEqual([
      { field: "credential_id", issue: "required argument is missing", value: null },
    ]);
    const extra = await h.call("delete_microsoft_credential", { credential_id: 1, force: true });
    expect(extra.result.error?.fields).toEqual([
      { field: "force", issue: "unknown argument", value: "true" },
    ]);
    expect(h.woodpecker.requests).toHaveLength(0);
  });
});

describe("delete_domain guard", () => {
  it("asks for confirmation first, warning about every mailbox, and sends nothing", async () => {
    const h = await start();
    const { result } = await h.call("delete_domain", { domain_name: " PiedPiper.COM. " });
    expect(result).toMatchObject({
      ok: false,
      domain_name: "piedpiper.com",
      error: { kind: "confirmation_required" },
    });
    expect(result.message).toMatch(/every mailbox on it will be deleted for good/);
    expect(result.error?.hint).toMatch(/Ask the user/);
    expect(result.error?.hint).toContain('confirm set to "piedpiper.com"');
    expect(h.woodpecker.requests).toHaveLength(0);
  });

  it.each(["yes", "true", "hooli.com", "piedpiper.co"])(
    "refuses confirm=%j as a mismatch",
    async (confirm) => {
      const h = await start();
      const { result } = await h.call("delete_domain", { domain_name: "piedpiper.com", confirm });
      expect(result.error?.kind).toBe("confirmation_mismatch");
      expect(h.woodpecker.requests).toHaveLength(0);
    },
  );

  it("deletes when confirm names the same domain, normalized: 202 → deletion_accepted", async () => {
    const h = await start();
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "PIEDPIPER.com.",
    });
    expect(result).toMatchObject({
      ok: true,
      status: "deletion_accepted",
      http_status: 202,
      domain_name: "piedpiper.com",
    });
    expect(h.woodpecker.requests.map((r) => r.path)).toEqual(["/rest/v2/domains/piedpiper.com"]);
  });

  it("sends the punycode form of an internationalized name", async () => {
    const h = await start();
    await h.call("delete_domain", { domain_name: "Bücher.de", confirm: "bücher.de" });
    expect(h.woodpecker.requests.map((r) => r.path)).toEqual(["/rest/v2/domains/xn--bcher-kva.de"]);
  });

  it.each(["piedpiper.com/../x", "a%2Fb.com", "piedpiper.com?x", "", "localhost", "x@y.com"])(
    "refuses domain_name %j as invalid_input",
    async (domain_name) => {
      const h = await start();
      const { result } = await h.call("delete_domain", { domain_name, confirm: domain_name });
      expect(result.error?.kind).toBe("invalid_input");
      expect(h.woodpecker.requests).toHaveLength(0);
    },
  );

  it("refuses a protected domain even when confirmed", async () => {
    const h = await start({ env: { WOODPECKER_PROTECTED_DOMAINS: "hooli.com,PiedPiper.com" } });
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.COM",
      confirm: "piedpiper.com",
    });
    expect(result.error?.kind).toBe("protected");
    expect(h.woodpecker.requests).toHaveLength(0);
  });

  it("answers not_configured without a key, before asking anyone", async () => {
    const h = await start({ withoutKey: true });
    const domain = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(domain.result.error?.kind).toBe("not_configured");
    expect(domain.result.error?.hint).toMatch(/WOODPECKER_API_KEY/);
    const credential = await h.call("delete_microsoft_credential", { credential_id: 1 });
    expect(credential.result.error?.kind).toBe("not_configured");
  });

  it("dry run: reports and sends nothing, even without a key", async () => {
    const h = await start({ withoutKey: true, env: { WOODPECKER_DRY_RUN: "true" } });
    const domain = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
    });
    expect(domain.result).toMatchObject({ ok: true, status: "dry_run", dry_run: true });
    expect(domain.isError).toBe(false);
    const credential = await h.call("delete_microsoft_credential", { credential_id: 22334455 });
    expect(credential.result).toMatchObject({ ok: true, status: "dry_run", dry_run: true });
    expect(h.woodpecker.requests).toHaveLength(0);
  });
});

describe("delete_domain refusals from Woodpecker", () => {
  it.each([
    ["nosuchdomain.com", "not_found", /no domain nosuchdomain.com/],
    ["aviato.com", "not_ready", /not ready/],
    ["raviga.com", "deletion_in_progress", /already being deleted/],
  ])("%s → validation_error with issue %s", async (domain_name, issue, hint) => {
    const h = await start();
    const { result } = await h.call("delete_domain", { domain_name, confirm: domain_name });
    expect(result.error).toMatchObject({
      kind: "validation_error",
      code: "invalid_fields",
      detail: "Invalid field(s)",
      fields: [{ field: "domain_name", issue, value: domain_name }],
    });
    expect(result.error?.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.error?.hint).toMatch(hint);
  });

  it("passes an unknown issue through unchanged", async () => {
    const h = await start();
    h.woodpecker.faults.push(
      jsonFault(422, {
        ...DOMAIN_PAGE[422],
        code: "new_code",
        fields: [{ field: "domain_name", issue: "frozen", value: "x" }],
      }),
    );
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
    });
    expect(result.error).toMatchObject({
      kind: "validation_error",
      code: "new_code",
      fields: [{ issue: "frozen" }],
    });
  });

  it.each([
    [400, DOMAIN_PAGE[400], "bad_request"],
    [401, DOMAIN_PAGE[401], "unauthorized"],
    [403, DOMAIN_PAGE[401], "unauthorized"],
    [500, DOMAIN_PAGE[500], "server_error"],
    [503, DOMAIN_PAGE[503], "unavailable"],
    [418, {}, "unexpected_response"],
  ] as const)("HTTP %i → %s with the page's fields", async (status, body, kind) => {
    const h = await start();
    h.woodpecker.faults.push(jsonFault(status, body));
    const { result } = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
    });
    expect(result.error?.kind).toBe(kind);
    expect(result.http_status).toBe(status);
    if ("details" in body)
      expect(result.error).toMatchObject({
        title: body.title,
        detail: body.details,
        timestamp: body.timestamp,
      });
  });

  it("an empty or truncated 422 is an unexpected_response with a labelled excerpt", async () => {
    const h = await start();
    h.woodpecker.faults.push(
      { type: "respond", status: 422, body: "" },
      { type: "respond", status: 422, body: '{"type":"valid' },
    );
    const empty = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
    });
    expect(empty.result.error).toMatchObject({
      kind: "unexpected_response",
      detail: "The response body was empty.",
    });
    const truncated = await h.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
    });
    expect(truncated.result.error?.detail).toMatch(
      /^Unrecognized response body .*untrusted excerpt/,
    );
  });
});

describe("credential page statuses through the server", () => {
  it.each([
    [401, "unauthorized"],
    [404, "not_found"],
    [422, "validation_error"],
    [500, "server_error"],
  ] as const)("HTTP %i → %s", async (status, kind) => {
    const h = await start();
    h.woodpecker.faults.push(jsonFault(status, CREDENTIAL_PAGE[status]));
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error?.kind).toBe(kind);
    if (status !== 422) expect(result.error?.detail).toBe(CREDENTIAL_PAGE[status].detail);
  });

  it("a real 401 from a wrong key says to fix the key and is not retryable", async () => {
    const h = await start({ env: { WOODPECKER_API_KEY: "wrong-key-0000" } });
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error).toMatchObject({
      kind: "unauthorized",
      retryable: false,
      detail: "Invalid api key",
    });
  });
});

describe("retries through the server", () => {
  it("rate_limited after retries, with retry_after_seconds and progress notifications", async () => {
    const h = await start({ env: { WOODPECKER_MAX_RETRIES: "1" } });
    h.woodpecker.faults.push(
      jsonFault(429, {}, { "retry-after": "0" }),
      jsonFault(429, {}, { "retry-after": "30" }),
    );
    const progress: string[] = [];
    const response = await h.client.callTool(
      { name: "delete_microsoft_credential", arguments: { credential_id: 22334466 } },
      undefined,
      { onprogress: (p) => progress.push(`${p.progress}/${p.total}: ${p.message}`) },
    );
    const result = response.structuredContent as {
      error?: { kind: string; retry_after_seconds?: number; retryable: boolean };
    };
    expect(result.error).toMatchObject({
      kind: "rate_limited",
      retry_after_seconds: 30,
      retryable: true,
    });
    expect(progress).toEqual(["1/2: Woodpecker answered HTTP 429; retrying (attempt 2 of 2)"]);
  });

  it("timeout when every attempt hangs", async () => {
    const h = await start({ env: { WOODPECKER_TIMEOUT_MS: "150" } });
    h.woodpecker.faults.push({ type: "hang" });
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error).toMatchObject({ kind: "timeout", retryable: true });
    expect(result.attempts).toBe(1);
  });

  it("network_error on a reset connection", async () => {
    const h = await start();
    h.woodpecker.faults.push({ type: "reset" });
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error).toMatchObject({ kind: "network_error", retryable: true });
  });

  it("a not_found that follows a failed attempt warns that the first may have worked", async () => {
    const h = await start({ env: { WOODPECKER_MAX_RETRIES: "1" } });
    h.woodpecker.faults.push({ type: "reset" }, jsonFault(404, CREDENTIAL_PAGE[404]));
    const { result } = await h.call("delete_microsoft_credential", { credential_id: 22334466 });
    expect(result.error?.kind).toBe("not_found");
    expect(result.error?.hint).toMatch(
      /earlier attempt of this same call may already have succeeded/,
    );
  });
});

describe("elicitation", () => {
  const capabilities = { elicitation: {} };
  const confirmArgs = { domain_name: "piedpiper.com", confirm: "piedpiper.com" };

  it.each<[string, ElicitResult, string]>([
    [
      "accepts with the typed name",
      { action: "accept", content: { confirmation: " PiedPiper.com " } },
      "deletion_accepted",
    ],
    ["declines", { action: "decline" }, "cancelled_by_user"],
    ["cancels", { action: "cancel" }, "cancelled_by_user"],
    [
      "accepts with a wrong name",
      { action: "accept", content: { confirmation: "hooli.com" } },
      "cancelled_by_user",
    ],
    [
      "accepts with nothing typed",
      { action: "accept", content: { confirmation: "" } },
      "cancelled_by_user",
    ],
  ])("the human %s → %s", async (_label, answer, outcome) => {
    const messages: string[] = [];
    const h = await start({
      capabilities,
      onElicit: (message) => {
        messages.push(message);
        return answer;
      },
    });
    const { result } = await h.call("delete_domain", confirmArgs);
    expect(result.error?.kind ?? result.status).toBe(outcome);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/piedpiper.com.*EVERY mailbox/);
    expect(h.woodpecker.requests).toHaveLength(outcome === "deletion_accepted" ? 1 : 0);
  });

  it("no answer within WOODPECKER_ELICITATION_TIMEOUT_MS is cancelled_by_user", async () => {
    const h = await start({
      capabilities,
      env: { WOODPECKER_ELICITATION_TIMEOUT_MS: "100" },
      onElicit: () => new Promise<ElicitResult>(() => undefined),
    });
    const { result } = await h.call("delete_domain", confirmArgs);
    expect(result.error?.kind).toBe("cancelled_by_user");
    expect(result.message).toMatch(/no answer in time/);
    expect(h.woodpecker.requests).toHaveLength(0);
  });

  it("is not used before confirm is given, nor when WOODPECKER_ELICITATION=off", async () => {
    let asked = 0;
    const onElicit = (): ElicitResult => {
      asked += 1;
      return { action: "decline" };
    };
    const h = await start({ capabilities, onElicit, env: { WOODPECKER_ELICITATION: "off" } });
    const first = await h.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(first.result.error?.kind).toBe("confirmation_required");
    const second = await h.call("delete_domain", confirmArgs);
    expect(second.result.status).toBe("deletion_accepted");
    expect(asked).toBe(0);
  });

  it("is not used with a client that only declares URL elicitation", async () => {
    let asked = 0;
    const h = await start({
      capabilities: { elicitation: { url: {} } },
      onElicit: () => {
        asked += 1;
        return { action: "decline" };
      },
    });
    const { result } = await h.call("delete_domain", confirmArgs);
    expect(result.status).toBe("deletion_accepted");
    expect(asked).toBe(0);
  });
});

describe("audit log and secrets", () => {
  it("writes one audit line per call, without the key", async () => {
    const h = await start();
    await h.call("delete_microsoft_credential", { credential_id: 22334455 });
    await h.call("delete_domain", { domain_name: "hooli.com", confirm: "hooli.com" });
    const audit = h.logs.map((line) => JSON.parse(line)).filter((entry) => entry.audit === true);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      tool: "delete_microsoft_credential",
      target: 22334455,
      outcome: "validation_error",
      http_status: 422,
      dry_run: false,
      sandbox: false,
    });
    expect(audit[1]).toMatchObject({
      tool: "delete_domain",
      target: "hooli.com",
      outcome: "deletion_accepted",
    });
    expect(typeof audit[1].duration_ms).toBe("number");
    expect(h.logs.join("")).not.toContain(TEST_KEY);
  });

  it("scrubs the key from results even when Woodpecker echoes it back", async () => {
    const h = await start();
    h.woodpecker.faults.push(
      jsonFault(401, { ...CREDENTIAL_PAGE[401], detail: `Invalid api key ${TEST_KEY}` }),
    );
    const { result, text } = await h.call("delete_microsoft_credential", { credential_id: 1 });
    expect(JSON.stringify(result)).not.toContain(TEST_KEY);
    expect(text).not.toContain(TEST_KEY);
    expect(result.error?.detail).toBe("Invalid api key [redacted]");
  });
});
