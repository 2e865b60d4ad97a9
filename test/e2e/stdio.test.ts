import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SERVER_VERSION } from "../../src/package-info.js";
import { ERROR_KINDS, type ErrorKind } from "../../src/tools/result.js";
import { CREDENTIAL_PAGE, DOMAIN_PAGE } from "../helpers/page-examples.js";
import { BUILT_SERVER, type SpawnedServer, spawnServer } from "../helpers/spawn.js";
import { jsonFault, type StandIn, startStandIn, TEST_KEY } from "../helpers/stand-in.js";
import { waitFor } from "../helpers/wait.js";

let simulation: StandIn;
const servers: SpawnedServer[] = [];

beforeEach(async () => {
  simulation = await startStandIn();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await simulation.close();
});

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    WOODPECKER_API_KEY: TEST_KEY,
    WOODPECKER_API_BASE_URL: simulation.baseUrl,
    WOODPECKER_MAX_RETRIES: "0",
    WOODPECKER_TIMEOUT_MS: "500",
    WOODPECKER_PROTECTED_DOMAINS: "hooli.com",
    LOG_LEVEL: "debug",
    ...extra,
  };
}

async function start(options: Parameters<typeof spawnServer>[0]): Promise<SpawnedServer> {
  const server = await spawnServer(options);
  servers.push(server);
  return server;
}

describe("the built server over stdio", () => {
  it("lists both tools with their metadata", async () => {
    const server = await start({ env: baseEnv() });
    const { tools } = await server.client.listTools();
    expect(
      tools.map((tool) => [
        tool.name,
        tool.annotations?.destructiveHint,
        tool.annotations?.idempotentHint,
      ]),
    ).toEqual([
      ["delete_domain", true, true],
      ["delete_microsoft_credential", true, true],
    ]);
    expect(server.client.getServerVersion()).toMatchObject({
      name: "woodpecker-mcp-destructive",
      version: SERVER_VERSION,
    });
    expect(server.client.getInstructions()).toMatch(/ask the user first/);
  });

  it("produces every error kind of DESIGN.md, none leaking the key", async () => {
    const seen = new Map<ErrorKind, string>();
    const answers: ElicitResult[] = [{ action: "decline" }];
    const server = await start({
      env: baseEnv(),
      capabilities: { elicitation: {} },
      onElicit: () => answers.shift() ?? { action: "cancel" },
    });
    const unconfigured = await start({ env: { LOG_LEVEL: "debug" } });
    const record = async (target: SpawnedServer, name: string, args: Record<string, unknown>) => {
      const { result, raw } = await target.call(name, args);
      expect(JSON.stringify(raw)).not.toContain(TEST_KEY);
      if (result.error) seen.set(result.error.kind, result.message);
    };
    const confirmed = { domain_name: "piedpiper.com", confirm: "piedpiper.com" };
    await record(server, "delete_domain", { domain_name: "../etc" });
    await record(unconfigured, "delete_microsoft_credential", { credential_id: 1 });
    await record(server, "delete_domain", { domain_name: "piedpiper.com" });
    await record(server, "delete_domain", { domain_name: "piedpiper.com", confirm: "yes" });
    await record(server, "delete_domain", confirmed);
    await record(server, "delete_domain", { domain_name: "hooli.com", confirm: "hooli.com" });
    const credentialFaults = [
      jsonFault(400, DOMAIN_PAGE[400]),
      jsonFault(401, { ...CREDENTIAL_PAGE[401], detail: `Invalid api key ${TEST_KEY}` }),
      jsonFault(404, CREDENTIAL_PAGE[404]),
      jsonFault(422, CREDENTIAL_PAGE[422]),
      jsonFault(429, {}),
      jsonFault(500, CREDENTIAL_PAGE[500]),
      jsonFault(503, DOMAIN_PAGE[503]),
      { type: "hang" as const },
      { type: "reset" as const },
      {
        type: "respond" as const,
        status: 502,
        body: "<html>bad gateway</html>",
        headers: { "content-type": "text/html" },
      },
      { type: "respond" as const, status: 200, body: "" },
    ];
    simulation.faults.push(...credentialFaults);
    for (const _fault of credentialFaults) {
      await record(server, "delete_microsoft_credential", { credential_id: 22334466 });
    }
    expect([...seen.keys()].sort()).toEqual([...ERROR_KINDS].sort());
    expect(simulation.requests).toHaveLength(credentialFaults.length);
    expect(server.stderr.join("")).not.toContain(TEST_KEY);
    expect(server.stdoutMessages.length).toBe(17); // 16 results and the elicitation request
    expect(server.stdoutMessages.join("\n")).not.toContain(TEST_KEY);
    expect(server.stderr.join("")).toContain('"audit":true');
  });

  it.each<[string, ElicitResult, string]>([
    [
      "accept with the typed name",
      { action: "accept", content: { confirmation: "piedpiper.com" } },
      "deletion_accepted",
    ],
    ["decline", { action: "decline" }, "cancelled_by_user"],
    [
      "accept with a wrong name",
      { action: "accept", content: { confirmation: "piedpiper.org" } },
      "cancelled_by_user",
    ],
  ])("elicitation: %s → %s", async (_label, answer, outcome) => {
    const server = await start({
      env: baseEnv(),
      capabilities: { elicitation: {} },
      onElicit: () => answer,
    });
    const { result } = await server.call("delete_domain", {
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
    });
    expect(result.error?.kind ?? result.status).toBe(outcome);
    expect(simulation.requests).toHaveLength(outcome === "deletion_accepted" ? 1 : 0);
  });
});

describe("process behaviour", () => {
  it("prints --version and --help on stdout and exits 0", () => {
    const version = spawnSync(process.execPath, [BUILT_SERVER, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout).toBe(`${SERVER_VERSION}\n`);
    const help = spawnSync(process.execPath, [BUILT_SERVER, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("WOODPECKER_API_KEY");
    expect(help.stdout).toContain("--sandbox");
  });

  it.each([
    [{ WOODPECKER_TIMEOUT_MS: "soon" }, "WOODPECKER_TIMEOUT_MS"],
    [{ WOODPECKER_API_BASE_URL: "http://api.woodpecker.co/rest/v2" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_DRY_RUN: "yes" }, "WOODPECKER_DRY_RUN"],
    [{ WOODPECKER_ENABLED_TOOLS: "delete_all" }, "WOODPECKER_ENABLED_TOOLS"],
  ])("stops at start on %j with one line naming the variable", (env, variable) => {
    const run = spawnSync(process.execPath, [BUILT_SERVER], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, WOODPECKER_API_KEY: TEST_KEY, ...env },
      input: "",
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(variable);
    expect(run.stderr).not.toContain(TEST_KEY);
  });

  it("writes only JSON-RPC to stdout, answers bad lines with protocol errors, and exits when stdin closes", async () => {
    const child = spawn(process.execPath, [BUILT_SERVER], {
      env: { PATH: process.env.PATH, ...baseEnv() },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const send = (message: unknown) =>
      child.stdin.write(`${typeof message === "string" ? message : JSON.stringify(message)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "raw", version: "0" },
      },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send("this is not json");
    send({ not: "json-rpc" });
    send({ jsonrpc: "2.0", id: 2, method: "no/such/method" });
    simulation.faults.push(
      jsonFault(401, { ...CREDENTIAL_PAGE[401], detail: `key ${TEST_KEY} is invalid` }),
    );
    send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "delete_microsoft_credential", arguments: { credential_id: 5 } },
    });
    send({ jsonrpc: "2.0", id: 4, method: "tools/list" });
    await waitFor(() => stdout.includes('"id":3') && stdout.includes('"id":4'));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.stdin.end();
    expect(await exited).toBe(0);

    const lines = stdout.trim().split("\n");
    const messages = lines.map(
      (line) => JSON.parse(line) as { jsonrpc: string; id?: number; error?: { code: number } },
    );
    expect(messages.every((message) => message.jsonrpc === "2.0")).toBe(true);
    expect(messages.find((message) => message.id === 2)?.error?.code).toBe(-32601);
    const nullIdErrors = messages
      .filter((message) => message.id === null)
      .map((message) => message.error?.code);
    expect(nullIdErrors).toEqual([-32700, -32600]);
    expect(messages.some((message) => message.id === 3)).toBe(true);
    expect(stdout).not.toContain(TEST_KEY);
    expect(stderr).not.toContain(TEST_KEY);
    expect(stderr).toContain("[redacted]");
  });

  it("keeps V8's code cache per user, survives a corrupt one, and can do without", () => {
    const temp = mkdtempSync(join(tmpdir(), "woodpecker-cache-test-"));
    const run = (env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [BUILT_SERVER], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, TMPDIR: temp, LOG_LEVEL: "silent", ...env },
        input: `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" })}\n`,
      });
    try {
      expect(run().status).toBe(0);
      const directory =
        readdirSync(temp).find((name) => name.startsWith("woodpecker-mcp-cache-")) ?? "";
      const [cacheFile] = readdirSync(join(temp, directory));
      const cachePath = join(temp, directory, cacheFile ?? "");
      expect(statSync(join(temp, directory)).mode & 0o777).toBe(0o700);
      const written = readFileSync(cachePath);
      expect(written.length).toBeGreaterThan(10_000);

      writeFileSync(cachePath, "not a code cache");
      const corrupt = run();
      expect(corrupt.status).toBe(0);
      expect(corrupt.stdout).toContain("delete_domain");
      expect(readFileSync(cachePath).length).toBeGreaterThan(10_000);

      rmSync(join(temp, directory), { recursive: true });
      const disabled = run({ NODE_DISABLE_COMPILE_CACHE: "1" });
      expect(disabled.stdout).toContain("delete_domain");
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)("exits 0 on %s", async (signal) => {
    const child = spawn(process.execPath, [BUILT_SERVER], {
      env: { PATH: process.env.PATH, ...baseEnv() },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await waitFor(() => stderr.includes('"msg":"started"'));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill(signal);
    expect(await exited).toBe(0);
  });
});
