import { spawnSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PreviewTokens } from "../../src/confirmation/preview-token.js";
import { deepToolCall } from "../helpers/deep-call.js";
import { connectHttp, type Replica, startReplica, stopReplica } from "../helpers/remote.js";
import { type StandIn, startStandIn, TEST_KEY } from "../helpers/stand-in.js";
import { BUILT_SERVER } from "../helpers/spawn.js";
import { waitFor } from "../helpers/wait.js";

// Remote mode (Streamable HTTP, stateless), through replicas started from the built bin.

const TOKEN = "test-bearer-token-0123456789abcdef";
const OTHER_KEY = "wp-other-account-key-42";

let woodpecker: StandIn;
const replicas: Replica[] = [];
beforeEach(async () => {
  woodpecker = await startStandIn({ otherKeys: [OTHER_KEY] });
});
afterEach(async () => {
  await Promise.all(replicas.splice(0).map(stopReplica));
  await woodpecker.close();
});

const keyOf = (key: string) => ({ "x-woodpecker-api-key": key });

async function replica(extra: Record<string, string> = {}): Promise<Replica> {
  const started = await startReplica({
    WOODPECKER_API_BASE_URL: woodpecker.baseUrl,
    WOODPECKER_MAX_RETRIES: "0",
    ...extra,
  });
  replicas.push(started);
  return started;
}

/** The server's own key, behind bearer tokens. */
const withServerKey = () =>
  replica({ WOODPECKER_API_KEY: TEST_KEY, WOODPECKER_HTTP_TOKENS: TOKEN });
const bearer = { authorization: `Bearer ${TOKEN}` };

/** One raw request to /mcp (or elsewhere), with whatever headers and body the test chooses. */
function raw(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: options.path ?? "/mcp",
        method: options.method ?? "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...options.headers,
        },
      },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

const LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

describe("remote mode: who may call", () => {
  it("answers 401 without a bearer token or with a wrong one, and serves the right one", async () => {
    const server = await withServerKey();
    const none = await raw(server.url, { body: LIST });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ error: { code: -32000 } });
    expect(
      (await raw(server.url, { body: LIST, headers: { authorization: "Bearer nope" } })).status,
    ).toBe(401);
    expect((await raw(server.url, { body: LIST, headers: { authorization: TOKEN } })).status).toBe(
      401,
    );
    const client = await connectHttp(server.url, bearer);
    const { tools } = await client.client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("delete_domain");
    await client.close();
  });

  it("refuses a foreign Origin (403) and a foreign Host (403), and takes listed and loopback ones", async () => {
    const server = await withServerKey();
    const call = (headers: Record<string, string>) =>
      raw(server.url, { body: LIST, headers: { ...bearer, ...headers } });
    expect((await call({ origin: "https://attacker.example" })).status).toBe(403);
    expect((await call({ host: "attacker.example" })).status).toBe(403);
    expect((await call({ host: `localhost:${new URL(server.url).port}` })).status).toBe(200);
    expect((await call({ origin: "http://localhost:3000" })).status).toBe(200);
    const listed = await replica({
      WOODPECKER_API_KEY: TEST_KEY,
      WOODPECKER_HTTP_TOKENS: TOKEN,
      WOODPECKER_HTTP_ALLOWED_HOSTS: "mcp.example.com",
      WOODPECKER_HTTP_ALLOWED_ORIGINS: "https://chat.example.com",
    });
    const allowed = await raw(listed.url, {
      body: LIST,
      headers: { ...bearer, host: "mcp.example.com", origin: "https://chat.example.com" },
    });
    expect(allowed.status).toBe(200);
  });

  it.each([
    [{ WOODPECKER_HTTP_ALLOWED_HOSTS: "mcp.example.com" }, "WOODPECKER_HTTP_ALLOWED_HOSTS"],
    [
      { WOODPECKER_HTTP_ALLOWED_ORIGINS: "https://chat.example.com" },
      "WOODPECKER_HTTP_ALLOWED_ORIGINS",
    ],
    [{ WOODPECKER_HTTP_TOKENS: " , " }, "WOODPECKER_HTTP_TOKENS holds only white space"],
  ])("will not start with its own key and no bearer token behind a proxy: %j", (env, named) => {
    const run = spawnSync(process.execPath, [BUILT_SERVER, "--http"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, WOODPECKER_API_KEY: TEST_KEY, ...env },
      input: "",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(named);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("refuses a body over 1 MiB (413), a GET (405), and answers /healthz", async () => {
    const server = await withServerKey();
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/list",
      params: { pad: "x".repeat(1_100_000) },
    });
    expect((await raw(server.url, { body: big, headers: bearer })).status).toBe(413);
    expect((await raw(server.url, { method: "GET", headers: bearer })).status).toBe(405);
    const health = await raw(server.url, { method: "GET", path: "/healthz" });
    expect(health).toEqual({ status: 200, body: '{"status":"ok"}' });
  });

  it("refuses a request that brings its own key to a server that holds one (400)", async () => {
    const server = await withServerKey();
    const sent = await raw(server.url, {
      body: LIST,
      headers: { ...bearer, "x-woodpecker-api-key": OTHER_KEY },
    });
    expect(sent.status).toBe(400);
    expect(sent.body).toMatch(/this server holds its own Woodpecker key/);
  });

  it("never writes a bearer token or a key to its logs or results", async () => {
    const server = await withServerKey();
    const client = await connectHttp(server.url, bearer);
    const { result } = await client.confirmed("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.status).toBe("deletion_accepted");
    await raw(server.url, { body: LIST, headers: { authorization: `Bearer ${TOKEN}x` } });
    await client.close();
    expect(server.stderr()).not.toContain(TOKEN);
    expect(server.stderr()).not.toContain(TEST_KEY);
    expect(server.stderr()).toContain('"audit":"outcome"');
  });
});

describe("remote mode: confirmation", () => {
  it("is the agent's relayed yes only, even for a client that declares forms", async () => {
    const server = await withServerKey();
    const client = await connectHttp(server.url, bearer, { elicitation: { form: {}, url: {} } });
    const { result } = await client.call("delete_domain", { domain_name: "piedpiper.com" });
    expect(result.status).toBe("confirmation_required");
    expect(result.confirmation?.preview_token).toBeDefined();
    await client.close();
  });

  it("a preview on one replica and its confirm on the other delete exactly once", async () => {
    const [first, second] = [await withServerKey(), await withServerKey()];
    const a = await connectHttp(first.url, bearer);
    const b = await connectHttp(second.url, bearer);
    const asked = await a.call("delete_domain", { domain_name: "piedpiper.com" });
    const { result } = await b.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: asked.result.confirmation?.preview_token,
    });
    expect(result).toMatchObject({ status: "deletion_accepted", confirmed_by: "agent" });
    expect(woodpecker.sent("DELETE")).toEqual(["DELETE /domains/piedpiper.com"]);
    await Promise.all([a.close(), b.close()]);
  });
});

describe("remote mode: each request carries its own account's key", () => {
  it("two accounts deleting a domain of the same name at once send two DELETEs, each with its own key", async () => {
    const server = await replica();
    const accounts = await Promise.all(
      [TEST_KEY, OTHER_KEY].map((key) => connectHttp(server.url, keyOf(key))),
    );
    const asked = await Promise.all(
      accounts.map((account) => account.call("delete_domain", { domain_name: "piedpiper.com" })),
    );
    woodpecker.faults.push({ type: "hold", method: "DELETE" }, { type: "hold", method: "DELETE" });
    const confirmed = accounts.map((account, index) =>
      account.call("delete_domain", {
        domain_name: "piedpiper.com",
        confirm: "piedpiper.com",
        preview_token: asked[index]?.result.confirmation?.preview_token,
      }),
    );
    // Both are at Woodpecker at once: neither waited for the other account's DELETE.
    await waitFor(() => woodpecker.held === 2, { what: "a DELETE from each account" });
    woodpecker.release();
    await Promise.all(confirmed);
    const keys = woodpecker.requests
      .filter((request) => request.method === "DELETE")
      .map((request) => request.headers["x-api-key"]);
    expect(keys.sort()).toEqual([OTHER_KEY, TEST_KEY].sort());
    await Promise.all(accounts.map((account) => account.close()));
  });

  it("binds a token to the account whose key asked for it", async () => {
    const server = await replica();
    const first = await connectHttp(server.url, keyOf(TEST_KEY));
    const other = await connectHttp(server.url, keyOf(OTHER_KEY));
    const asked = await first.call("delete_domain", { domain_name: "piedpiper.com" });
    const token = asked.result.confirmation?.preview_token;
    const carried = await other.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: token,
    });
    expect(carried.result.error?.kind).toBe("confirmation_mismatch");
    const forged = new PreviewTokens(OTHER_KEY).issue(
      { tool: "delete_domain", target: "piedpiper.com" },
      {
        count: 3,
        items: ["richard@piedpiper.com", "gilfoyle@piedpiper.com", "dinesh@piedpiper.com"],
      },
    ).token;
    const own = await first.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: forged,
    });
    expect(own.result.error?.kind).toBe("confirmation_mismatch");
    expect(woodpecker.sent("DELETE")).toEqual([]);
    const { result } = await first.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token: token,
    });
    expect(result.status).toBe("deletion_accepted");
    const fingerprints = new Set(
      server
        .logEntries()
        .filter((entry) => entry.audit === "outcome")
        .map((entry) => entry.account),
    );
    expect(fingerprints.size).toBe(2);
    expect(server.stderr()).not.toContain(OTHER_KEY);
    expect(server.stderr()).not.toContain(TEST_KEY);
    await Promise.all([first.close(), other.close()]);
  });

  it("answers not_configured without a key, and 400 for a key that cannot be one", async () => {
    const server = await replica();
    const client = await connectHttp(server.url);
    const { result } = await client.call("list_domains");
    expect(result.error?.kind).toBe("not_configured");
    await client.close();
    const bad = await raw(server.url, { body: LIST, headers: keyOf("has a space") });
    expect(bad.status).toBe(400);
    expect(bad.body).not.toContain("has a space");
  });
});

describe("remote mode: what is far too large", () => {
  it("a key of 15 KB in X-Woodpecker-Api-Key: 400, not echoed, nothing sent", async () => {
    const server = await replica();
    const long = `wp-${"q".repeat(15_000)}`;
    const answer = await raw(server.url, { body: LIST, headers: keyOf(long) });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("at most 512");
    expect(answer.body).not.toContain("qqqqqqqq");
    expect(woodpecker.requests).toEqual([]);
  });

  it("arguments nested 20,000 levels deep: a structured invalid_input and an audit line", async () => {
    const server = await withServerKey();
    const answer = await raw(server.url, {
      body: deepToolCall(1, "delete_domain", 20_000),
      headers: bearer,
    });
    expect(answer.status).toBe(200);
    const message = JSON.parse(answer.body.replace(/^[\s\S]*?data: /, "")) as {
      result: { isError: boolean; structuredContent: { error: { kind: string } } };
    };
    expect(message.result.isError).toBe(true);
    expect(message.result.structuredContent.error.kind).toBe("invalid_input");
    expect(server.logEntries()).toContainEqual(
      expect.objectContaining({
        audit: "outcome",
        tool: "delete_domain",
        outcome: "invalid_input",
      }),
    );
    expect(woodpecker.requests).toEqual([]);
  });
});

describe("remote mode: stopping", () => {
  it("SIGTERM mid-call: the call is answered, then the replica exits 0", async () => {
    const server = await withServerKey();
    const client = await connectHttp(server.url, bearer);
    woodpecker.faults.push({ type: "hold", method: "GET" });
    const call = client.call("list_domains");
    await waitFor(() => woodpecker.held === 1, { what: "the read" });
    server.child.kill("SIGTERM");
    await waitFor(() => server.stderr().includes("shutting down"), { what: "the shutdown" });
    // While it drains, a new connection is answered, not refused: 503, and /healthz says so.
    expect(await raw(server.url, { method: "GET", path: "/healthz" })).toEqual({
      status: 503,
      body: JSON.stringify({ status: "draining" }),
    });
    expect((await raw(server.url, { headers: bearer, body: LIST })).status).toBe(503);
    woodpecker.release();
    expect((await call).result.status).toBe("ok");
    expect(await server.exited).toBe(0);
  });
});
