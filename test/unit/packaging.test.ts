import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENV_VARIABLES } from "../../src/config/parse-cli.js";
import { HELP_TEXT } from "../../src/config/help.js";
import { TOOL_NAMES } from "../../src/tools/names.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(`${ROOT}/${path}`, "utf8"));
const pkg = readJson("package.json");
const serverJson = readJson("packaging/server.json");
const manifest = readJson("packaging/mcpb/manifest.json");
const readme = readFileSync(`${ROOT}/README.md`, "utf8");

describe("packaging metadata", () => {
  it("server.json matches package.json", () => {
    expect(serverJson.name).toBe(pkg.mcpName);
    expect(serverJson.version).toBe(pkg.version);
    expect(serverJson.packages).toHaveLength(1);
    expect(serverJson.packages[0]).toMatchObject({
      registryType: "npm",
      identifier: pkg.name,
      version: pkg.version,
      transport: { type: "stdio" },
    });
  });

  it("server.json lists every environment variable, and only the key, the bearer tokens and the sealing secret as secret", () => {
    const variables: { name: string; isSecret?: boolean }[] =
      serverJson.packages[0].environmentVariables;
    expect(variables.map((v) => v.name).sort()).toEqual([...ENV_VARIABLES].sort());
    expect(variables.filter((v) => v.isSecret).map((v) => v.name)).toEqual([
      "WOODPECKER_API_KEY",
      "WOODPECKER_HTTP_TOKENS",
      "WOODPECKER_HTTP_SECRET",
    ]);
  });

  it("the MCP Bundle manifest matches package.json and asks for the key as a secret", () => {
    expect(manifest.name).toBe(pkg.name);
    expect(manifest.version).toBe(pkg.version);
    // Not required: with the sandbox on, no key is needed.
    expect(manifest.user_config.api_key).toMatchObject({
      type: "string",
      sensitive: true,
      required: false,
    });
    expect(manifest.user_config.sandbox).toMatchObject({ type: "boolean", default: false });
    expect(
      Object.keys(manifest.server.mcp_config.env).every((name) => ENV_VARIABLES.includes(name)),
    ).toBe(true);
    expect(manifest.tools.map((tool: { name: string }) => tool.name)).toEqual(TOOL_NAMES);
  });

  it("the README's table and --help each list every environment variable once", () => {
    for (const name of ENV_VARIABLES) {
      expect(readme.match(new RegExp(`^\\| \`${name}\` +\\|`, "gm"))).toHaveLength(1);
      expect(HELP_TEXT.match(new RegExp(`^  ${name} `, "gm"))).toHaveLength(1);
    }
    const tableRows = readme.match(/^\| `[A-Z_]+` +\|/gm) ?? [];
    expect(tableRows).toHaveLength(ENV_VARIABLES.length);
  });

  it("the Dockerfile builds the bundle on Node 22 slim, and runs it as a user other than root, --http on 0.0.0.0", () => {
    const dockerfile = readFileSync(`${ROOT}/packaging/docker/Dockerfile`, "utf8");
    expect(dockerfile.match(/^FROM node:22-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/WOODPECKER_HTTP_HOST=0\.0\.0\.0/);
    expect(dockerfile).toMatch(/^CMD \["--http"\]$/m);
    // No secret is baked into the image: no ENV or ARG instruction sets one.
    const settings = dockerfile.match(/^(ENV|ARG) (.*\\\n)*.*$/gm) ?? [];
    expect(settings.join("\n")).toMatch(/WOODPECKER_HTTP_PORT=8080/);
    expect(settings.join("\n")).not.toMatch(/WOODPECKER_API_KEY|WOODPECKER_HTTP_TOKENS/);
  });
});
