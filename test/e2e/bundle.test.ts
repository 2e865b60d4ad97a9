import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, describe, expect, it } from "vitest";

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
    const userConfig: Record<string, string> = {
      api_key: "bundle-test-key",
      dry_run: "true",
      protected_domains: "",
    };
    const substitute = (value: string) =>
      value
        .replace("${__dirname}", work)
        .replace(/\$\{user_config\.(\w+)\}/g, (_match, key: string) => userConfig[key] ?? "");
    const { command, args, env } = manifest.mcp_config ?? manifest.server.mcp_config;
    const client = new Client({ name: "bundle-check", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command,
        args: args.map(substitute),
        env: {
          PATH: process.env.PATH ?? "",
          ...Object.fromEntries(
            Object.entries(env as Record<string, string>).map(([k, v]) => [k, substitute(v)]),
          ),
        },
        stderr: "ignore",
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual([
        "delete_domain",
        "delete_microsoft_credential",
      ]);
      const response = await client.callTool({
        name: "delete_domain",
        arguments: { domain_name: "piedpiper.com", confirm: "piedpiper.com" },
      });
      expect(response.structuredContent).toMatchObject({
        ok: true,
        status: "dry_run",
        dry_run: true,
      });
    } finally {
      await client.close();
    }
  });
});
