import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { TOOL_NAMES } from "../../src/tools/names.js";
import { toolNames, withServer } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
const PLACEHOLDER = "/absolute/path/to/woodpecker-mcp-destructive";

const ServerEntry = z.object({
  command: z.string(),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()).optional(),
});
const McpJson = z.object({ mcpServers: z.record(z.string(), ServerEntry) });
const VsCodeJson = z.object({
  inputs: z.array(
    z.object({ id: z.string(), type: z.literal("promptString"), password: z.literal(true) }),
  ),
  servers: z.record(z.string(), ServerEntry.extend({ type: z.literal("stdio") })),
});
const readme = () => readFileSync(`${ROOT}/README.md`, "utf8");
const codeBlocks = (language: string) =>
  [...readme().matchAll(new RegExp(`\`\`\`${language}\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (match) => match[1] ?? "",
  );

/** Spawns a server exactly as a client would from its config entry, and lists its tools. */
function listToolsAsWritten(entry: z.infer<typeof ServerEntry>): Promise<string[]> {
  const args = entry.args.map((arg) => arg.replace(PLACEHOLDER, ROOT));
  return withServer({ command: entry.command, args, env: entry.env }, toolNames);
}

describe("configuration snippets", () => {
  const example = McpJson.parse(JSON.parse(readFileSync(`${ROOT}/mcp.json.example`, "utf8")));

  it.each(Object.entries(example.mcpServers))(
    "mcp.json.example entry %s starts and lists every tool",
    async (_name, entry) => {
      expect(await listToolsAsWritten(entry)).toEqual(TOOL_NAMES);
    },
  );

  it("every mcpServers JSON block in the README starts as written", async () => {
    const entries = codeBlocks("json")
      .filter((block) => block.includes('"mcpServers"'))
      .flatMap((block) => Object.values(McpJson.parse(JSON.parse(block)).mcpServers));
    expect(entries.length).toBe(2);
    for (const entry of entries) {
      expect(await listToolsAsWritten(entry)).toEqual(TOOL_NAMES);
    }
  });

  it("the VS Code snippet prompts for the key and starts with it", async () => {
    const [block] = codeBlocks("json").filter((text) => text.includes('"servers"'));
    const config = VsCodeJson.parse(JSON.parse(block ?? ""));
    const inputIds = config.inputs.map((input) => input.id);
    for (const entry of Object.values(config.servers)) {
      const env = Object.fromEntries(
        Object.entries(entry.env ?? {}).map(([name, value]) => {
          const id = /^\$\{input:([\w-]+)\}$/.exec(value)?.[1];
          expect(id !== undefined && inputIds.includes(id)).toBe(true);
          return [name, "typed-into-the-prompt"];
        }),
      );
      expect(await listToolsAsWritten({ ...entry, env })).toEqual(TOOL_NAMES);
    }
  });

  it("the SDK program in the README runs as written: it asks, and deletes once the name is typed", () => {
    const [program] = codeBlocks("js");
    const file = `${ROOT}/dist/readme-snippet-${process.pid}.mjs`;
    writeFileSync(file, (program ?? "").replace(PLACEHOLDER, ROOT));
    const run = (typed: string) =>
      spawnSync(process.execPath, [file], { encoding: "utf8", input: `${typed}\n` });
    try {
      const agreed = run("hooli.com");
      expect(agreed.stderr).toBe(
        "Delete hooli.com and its 2 mailboxes (gavin@hooli.com, denpok@hooli.com)? Type the domain to confirm: ",
      );
      expect(agreed.stdout).toBe("deletion_accepted\n");
      expect(run("no").stdout).toBe("confirmation_required\n");
    } finally {
      rmSync(file, { force: true });
    }
  });
});
