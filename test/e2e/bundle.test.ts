import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/tools/names.js";
import { confirmedThrough } from "../helpers/results.js";
import { toolNames, withServer } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "woodpecker-mcpb-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the MCP Bundle", () => {
  it("packs, unpacks, and starts as its manifest tells Claude Desktop to", async () => {
    execFileSync("node", ["scripts/pack-mcpb.mjs"], { cwd: ROOT, stdio: "ignore" });
    execFileSync(
      "npx",
      ["--no-install", "mcpb", "unpack", join(ROOT, "dist/woodpecker-mcp-destructive.mcpb"), work],
      {
        cwd: ROOT,
        stdio: "ignore",
      },
    );
    const manifest = JSON.parse(readFileSync(join(work, "manifest.json"), "utf8"));
    // As Claude Desktop fills it in for someone rehearsing: no key, the sandbox and dry run on.
    const userConfig: Record<string, string> = {
      api_key: "",
      sandbox: "true",
      dry_run: "true",
      read_only: "false",
      protected_domains: "",
    };
    const substitute = (value: string) =>
      value
        .replace("${__dirname}", work)
        .replace(/\$\{user_config\.(\w+)\}/g, (_match, key: string) => userConfig[key] ?? "");
    const { command, args, env } = manifest.server.mcp_config as {
      command: string;
      args: string[];
      env: Record<string, string>;
    };
    const entry = {
      command,
      args: args.map(substitute),
      env: Object.fromEntries(
        Object.entries(env).map(([name, value]) => [name, substitute(value)]),
      ),
    };
    expect(Object.keys(manifest.user_config).sort()).toEqual(Object.keys(userConfig).sort());
    await withServer(entry, async (client) => {
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
});
