import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { SERVER_VERSION } from "../../src/package-info.js";
import {
  COMMON_ERROR_KINDS,
  CONFIRMATION_ERROR_KINDS,
  DOMAIN_GUARD_ERROR_KINDS,
  type ErrorKind,
} from "../../src/results/failure.js";
import { CREDENTIAL_PAGE, DOMAIN_PAGE } from "../helpers/page-examples.js";
import {
  BUILT_SERVER,
  type SpawnedServer,
  type SpawnOptions,
  spawnRaw,
  useWoodpecker,
} from "../helpers/spawn.js";
import { type Fault, jsonFault, TEST_KEY } from "../helpers/stand-in.js";
import { waitFor } from "../helpers/wait.js";

const e2e = useWoodpecker();
const start = (options: SpawnOptions) => e2e.spawn(options);
const baseEnv = (extra: Record<string, string> = {}) =>
  e2e.env({
    WOODPECKER_TIMEOUT_MS: "500",
    WOODPECKER_PROTECTED_DOMAINS: "hooli.com",
    LOG_LEVEL: "debug",
    ...extra,
  });

describe("the built server over stdio", () => {
  it("lists the seven tools with their metadata, its version and instructions", async () => {
    const server = await start({ env: baseEnv() });
    const { tools } = await server.client.listTools();
    expect(
      tools.map((tool) => [
        tool.name,
        tool.annotations?.readOnlyHint,
        tool.annotations?.destructiveHint,
      ]),
    ).toEqual([
      ["list_domains", true, false],
      ["get_domain", true, false],
      ["delete_domain", false, true],
      ["delete_mailbox", false, true],
      ["delete_domains", false, true],
      ["list_microsoft_credentials", true, false],
      ["delete_microsoft_credential", false, true],
    ]);
    expect(server.client.getServerVersion()).toMatchObject({
      name: "woodpecker-mcp-destructive",
      version: SERVER_VERSION,
    });
    expect(server.client.getInstructions()).toMatch(/A deletion cannot be undone/);
  });

  it("answers with every error kind, none of them carrying the key", async () => {
    const seen = new Set<ErrorKind>();
    const plain = await start({ env: baseEnv() });
    const asking = await start({
      env: baseEnv(),
      capabilities: { elicitation: {} },
      onElicit: (): ElicitResult => ({ action: "decline" }),
    });
    const unconfigured = await start({ env: { LOG_LEVEL: "debug" } });
    const personOnly = await start({ env: baseEnv({ WOODPECKER_CONFIRMATION: "person" }) });
    const record = async (
      server: SpawnedServer,
      name: Parameters<SpawnedServer["call"]>[0],
      args: Record<string, unknown>,
    ) => {
      const { result, raw } = await server.call(name, args);
      expect(JSON.stringify(raw)).not.toContain(TEST_KEY);
      if (result.error) seen.add(result.error.kind);
    };
    await record(plain, "delete_domain", { domain_name: "../etc" });
    await record(unconfigured, "list_domains", {});
    await record(plain, "delete_domain", { domain_name: "piedpiper.com", confirm: "yes" });
    await record(personOnly, "delete_domain", { domain_name: "piedpiper.com" });
    await record(asking, "delete_domain", { domain_name: "piedpiper.com" });
    await record(plain, "delete_domain", { domain_name: "hooli.com", confirm: "hooli.com" });
    await record(plain, "delete_domain", { domain_name: "aviato.com" });
    const faults: Fault[] = [
      jsonFault(400, DOMAIN_PAGE[400]),
      jsonFault(401, { ...CREDENTIAL_PAGE[401], detail: `Invalid api key ${TEST_KEY}` }),
      jsonFault(404, CREDENTIAL_PAGE[404]),
      jsonFault(422, CREDENTIAL_PAGE[422]),
      jsonFault(429, {}),
      jsonFault(500, CREDENTIAL_PAGE[500]),
      jsonFault(503, DOMAIN_PAGE[503]),
      { type: "hang" },
      { type: "reset" },
      {
        type: "respond",
        status: 502,
        body: "<html>bad gateway</html>",
        headers: { "content-type": "text/html" },
      },
      { type: "respond", status: 200, body: "" },
    ];
    e2e.woodpecker.faults.push(...faults.map((fault) => ({ ...fault, method: "DELETE" })));
    for (const _fault of faults) {
      const { result } = await plain.confirmed("delete_microsoft_credential", {
        credential_id: 22334466,
      });
      if (result.error) seen.add(result.error.kind);
    }
    // A client that cancels never receives the answer: the audit line says how the call ended.
    e2e.woodpecker.faults.push({ type: "hold", method: "GET" });
    const cancel = new AbortController();
    const cancelled = plain.client.callTool(
      { name: "delete_microsoft_credential", arguments: { credential_id: 22334466 } },
      undefined,
      { signal: cancel.signal },
    );
    await waitFor(() => e2e.woodpecker.held === 1, { what: "the preview read" });
    cancel.abort();
    await expect(cancelled).rejects.toThrow();
    await waitFor(() => plain.logEntries().some((entry) => entry.outcome === "cancelled"), {
      what: "the cancelled call's audit line",
    });
    seen.add("cancelled");
    e2e.woodpecker.release();
    expect([...seen].sort()).toEqual(
      [...COMMON_ERROR_KINDS, ...CONFIRMATION_ERROR_KINDS, ...DOMAIN_GUARD_ERROR_KINDS].sort(),
    );
    expect(e2e.woodpecker.sent("DELETE")).toHaveLength(faults.length);
    for (const server of [plain, asking, unconfigured, personOnly]) {
      expect(server.stderr.join("")).not.toContain(TEST_KEY);
      expect(server.stdoutMessages.join("\n")).not.toContain(TEST_KEY);
    }
    expect(plain.stderr.join("")).toContain('"audit":"outcome"');
  });

  it.each<[string, ElicitResult, string]>([
    [
      "types the name",
      { action: "accept", content: { confirmation: "piedpiper.com" } },
      "deletion_accepted",
    ],
    ["declines", { action: "decline" }, "cancelled_by_user"],
    [
      "types another name",
      { action: "accept", content: { confirmation: "piedpiper.org" } },
      "cancelled_by_user",
    ],
  ])(
    "asks the person on the first call when the client can show a form: the person %s → %s",
    async (_label, answer, outcome) => {
      const prompts: string[] = [];
      const server = await start({
        env: baseEnv(),
        capabilities: { elicitation: {} },
        onElicit: (params) => {
          prompts.push(params.message);
          return answer;
        },
      });
      const { result } = await server.call("delete_domain", { domain_name: "piedpiper.com" });
      expect(result.error?.kind ?? result.status).toBe(outcome);
      expect(prompts[0]).toContain("richard@piedpiper.com (PAID)");
      expect(e2e.woodpecker.sent("DELETE")).toHaveLength(outcome === "deletion_accepted" ? 1 : 0);
    },
  );
});

describe("process behaviour", () => {
  it("prints --version and --help on stdout and exits 0", () => {
    const version = spawnSync(process.execPath, [BUILT_SERVER, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout).toBe(`${SERVER_VERSION}\n`);
    const help = spawnSync(process.execPath, [BUILT_SERVER, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("WOODPECKER_READ_ONLY");
    expect(help.stdout).toContain("--sandbox");
  });

  it.each([
    [{ WOODPECKER_TIMEOUT_MS: "soon" }, "WOODPECKER_TIMEOUT_MS"],
    [{ WOODPECKER_API_BASE_URL: "http://api.woodpecker.co/rest/v2" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_API_BASE_URL: "https://api.woodpecker.co/rest/v2?" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_DRY_RUN: "yes" }, "WOODPECKER_DRY_RUN"],
    [{ WOODPECKER_ENABLED_TOOLS: TEST_KEY }, "WOODPECKER_ENABLED_TOOLS"],
    [{ WOODPECKER_PROTECTED_DOMAINS: TEST_KEY }, "WOODPECKER_PROTECTED_DOMAINS"],
    [{ WOODPECKER_API_KEY: `${TEST_KEY}\n` }, "WOODPECKER_API_KEY"],
    [{ WOODPECKER_API_KEY: `${TEST_KEY}\u201d` }, "WOODPECKER_API_KEY"],
    [{ WOODPECKER_API_BASE_URL: "http:\\\\u:p@127.0.0.1:9\\rest\\v2" }, "WOODPECKER_API_BASE_URL"],
    [{ WOODPECKER_READ_ONLY: "  " }, "WOODPECKER_READ_ONLY"],
    [{ WOODPECKER_PROTECTED_DOMAINS: " , " }, "WOODPECKER_PROTECTED_DOMAINS"],
    [{ WOODPECKER_MAX_IN_FLIGHT: "50" }, "WOODPECKER_MAX_IN_FLIGHT"],
  ])("stops at start on %j with one line naming the variable, never the key", (env, variable) => {
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

  it("never echoes a key given on the command line", () => {
    const run = spawnSync(process.execPath, [BUILT_SERVER, `--api-key=${TEST_KEY}`], {
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/read from WOODPECKER_API_KEY only/);
    expect(run.stderr).not.toContain(TEST_KEY);
  });

  it("writes only JSON-RPC to stdout, answers bad lines with protocol errors, and exits 0 when stdin closes", async () => {
    const raw = spawnRaw(baseEnv());
    raw.initialize();
    raw.send("this is not json");
    raw.send({ not: "json-rpc" });
    raw.send({ jsonrpc: "2.0", id: 2, method: "no/such/method" });
    e2e.woodpecker.faults.push(
      jsonFault(401, { ...CREDENTIAL_PAGE[401], detail: `key ${TEST_KEY} is invalid` }),
    );
    raw.callTool(3, "list_microsoft_credentials", {});
    raw.send({ jsonrpc: "2.0", id: 4, method: "tools/list" });
    await waitFor(() => [3, 4].every((id) => raw.messages().some((message) => message.id === id)), {
      what: "answers 3 and 4",
    });
    raw.child.stdin.end();
    expect(await raw.exited).toBe(0);
    const messages = raw.messages();
    expect(
      raw.output.stdout
        .trim()
        .split("\n")
        .every((line) => JSON.parse(line).jsonrpc === "2.0"),
    ).toBe(true);
    expect(messages.find((message) => message.id === 2)?.error?.code).toBe(-32601);
    expect(
      messages.filter((message) => message.id === null).map((message) => message.error?.code),
    ).toEqual([-32700, -32600]);
    expect(raw.output.stdout).not.toContain(TEST_KEY);
    expect(raw.output.stderr).not.toContain(TEST_KEY);
    expect(raw.output.stderr).toContain("[redacted]");
  });

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)("exits 0 on %s when idle", async (signal) => {
    const raw = spawnRaw(baseEnv());
    await waitFor(() => raw.output.stderr.includes('"msg":"started"'), { what: "the start" });
    raw.child.kill(signal);
    expect(await raw.exited).toBe(0);
  });
});

describe("the start-up cache", () => {
  const nodeHasCompileCache = Number(process.versions.node.split(".")[0]) >= 22;

  it("never runs stale code: a same-length edit of the built server runs at the next start", () => {
    const work = mkdtempSync(join(tmpdir(), "woodpecker-cache-"));
    const cache = join(work, "cache");
    try {
      cpSync(join(BUILT_SERVER, ".."), work, { recursive: true });
      const version = () =>
        spawnSync(process.execPath, [join(work, "index.js"), "--version"], {
          encoding: "utf8",
          env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: cache },
        });
      expect(version().stdout).toBe(`${SERVER_VERSION}\n`);
      expect(version().stdout).toBe(`${SERVER_VERSION}\n`);
      if (nodeHasCompileCache)
        expect(readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);

      const patched = SERVER_VERSION.replace(/\d/g, "9");
      expect(patched).toHaveLength(SERVER_VERSION.length);
      const chunks = join(work, "chunks");
      const bundle = readdirSync(chunks)
        .map((name) => join(chunks, name))
        .find((path) => readFileSync(path, "utf8").includes(`"${SERVER_VERSION}"`));
      if (bundle === undefined) throw new Error("no chunk holds the version");
      const before = readFileSync(bundle, "utf8");
      writeFileSync(bundle, before.replaceAll(`"${SERVER_VERSION}"`, `"${patched}"`));
      expect(statSync(bundle).size).toBe(Buffer.byteLength(before));
      expect(version().stdout).toBe(`${patched}\n`);

      // A corrupt cache costs a compile, never a crash or old code (Node 20 keeps none).
      const entries = nodeHasCompileCache
        ? readdirSync(cache, { recursive: true, withFileTypes: true })
        : [];
      for (const entry of entries) {
        if (entry.isFile())
          writeFileSync(join(entry.parentPath, entry.name), Buffer.alloc(4096, 0xa5));
      }
      const afterCorruption = version();
      expect(afterCorruption.status).toBe(0);
      expect(afterCorruption.stdout).toBe(`${patched}\n`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
