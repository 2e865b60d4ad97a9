import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/tools/names.js";
import { confirmedThrough } from "../helpers/results.js";
import { spawnServer, toolNames, withServer } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "woodpecker-mcpb-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface McpConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
}

let manifest: { server: { mcp_config: McpConfig }; user_config: Record<string, unknown> };

beforeAll(() => {
  execFileSync("node", ["scripts/pack-mcpb.mjs"], { cwd: ROOT, stdio: "ignore" });
  execFileSync(
    "npx",
    ["--no-install", "mcpb", "unpack", join(ROOT, "dist/woodpecker-mcp-destructive.mcpb"), work],
    { cwd: ROOT, stdio: "ignore" },
  );
  manifest = JSON.parse(readFileSync(join(work, "manifest.json"), "utf8"));
}, 60_000);

/**
 * The unpacked bundle's entry as a host fills it in: each `${user_config.NAME}` replaced by the
 * user's value; a setting missing from `userConfig` is left as the literal placeholder, as some
 * hosts pass a setting left blank.
 */
function entryFor(userConfig: Record<string, string>): McpConfig {
  const substitute = (value: string) =>
    value
      .replace("${__dirname}", work)
      .replace(
        /\$\{user_config\.(\w+)\}/g,
        (placeholder, key: string) => userConfig[key] ?? placeholder,
      );
  const { command, args, env } = manifest.server.mcp_config;
  return {
    command,
    args: args.map(substitute),
    env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, substitute(value)])),
  };
}

describe("the MCP Bundle", () => {
  it("packs, unpacks, and starts as its manifest tells Claude Desktop to", async () => {
    // As Claude Desktop fills it in for someone rehearsing: no key, the sandbox and dry run on.
    const userConfig: Record<string, string> = {
      api_key: "",
      sandbox: "true",
      dry_run: "true",
      read_only: "false",
      protected_domains: "",
    };
    expect(Object.keys(manifest.user_config).sort()).toEqual(Object.keys(userConfig).sort());
    await withServer(entryFor(userConfig), async (client) => {
      expect(await toolNames(client)).toEqual(TOOL_NAMES);
      const { result } = await confirmedThrough(client, "delete_domain", {
        domain_name: "piedpiper.com",
      });
      expect(result).toMatchObject({
        ok: true,
        status: "dry_run",
        dry_run: true,
        sandbox: true,
      });
    });
  });

  it("starts when a host passes blank settings as their placeholders, and warns", async () => {
    const server = await spawnServer(entryFor({ sandbox: "true", dry_run: "true" }));
    try {
      expect(await toolNames(server.client)).toEqual(TOOL_NAMES);
      const stderr = server.stderr.join("");
      for (const name of ["WOODPECKER_API_KEY", "WOODPECKER_PROTECTED_DOMAINS"]) {
        expect(stderr).toContain(`${name} holds \${user_config.`);
      }
    } finally {
      await server.close();
    }
  });
});
