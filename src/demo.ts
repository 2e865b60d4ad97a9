import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type ToolResult, ToolResultSchema } from "./tools/result.js";

// A scripted agent session against the sandbox: what an agent sees, step by step.

const serverPath = fileURLToPath(new URL("./index.js", import.meta.url));
const write = (line = "") => process.stdout.write(`${line}\n`);

async function step(client: Client, title: string, name: string, args: Record<string, unknown>) {
  write(`── ${title}`);
  write(`   agent → ${name} ${JSON.stringify(args)}`);
  const response = await client.callTool({ name, arguments: args });
  const result: ToolResult = ToolResultSchema.parse(response.structuredContent);
  const outcome = result.error
    ? `${result.error.kind}${result.error.code ? ` (${result.error.code})` : ""}`
    : result.status;
  write(
    `   server → ${result.ok ? "ok" : "isError"}: ${outcome}${result.http_status ? `, HTTP ${result.http_status}` : ""}`,
  );
  write(`   message: ${result.message}`);
  if (result.error) write(`   hint:    ${result.error.hint}`);
  write();
}

async function main(): Promise<void> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [serverPath, "--sandbox"],
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent" },
  });
  const client = new Client({ name: "demo-agent", version: "1.0.0" });
  await client.connect(transport);
  write("Woodpecker MCP server, sandbox demo: a built-in simulation, no key, no network.");
  write();
  const { tools } = await client.listTools();
  write("── tools/list");
  for (const tool of tools) write(`   ${tool.name}: ${tool.title}`);
  write();
  await step(
    client,
    "1. Delete a credential that a mailbox still uses",
    "delete_microsoft_credential",
    {
      credential_id: 22334455,
    },
  );
  await step(client, "2. Delete the domain of those mailboxes, without confirm", "delete_domain", {
    domain_name: "piedpiper.com",
  });
  await step(client, "3. The user agreed: call again with confirm", "delete_domain", {
    domain_name: "piedpiper.com",
    confirm: "piedpiper.com",
  });
  await step(
    client,
    "4. The mailboxes are gone: delete the credential again",
    "delete_microsoft_credential",
    {
      credential_id: 22334455,
    },
  );
  await client.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
