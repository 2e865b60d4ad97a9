// The bare reference for `npm run bench`: what someone would write by hand in thirty lines. Same
// SDK, not bundled, one tool making the same requests as delete_microsoft_credential (the list,
// then the DELETE) with plain fetch, and no checks, retries, audit or schema of its own.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "reference", version: "1.0.0" });
const base = process.env.WOODPECKER_API_BASE_URL ?? "https://api.woodpecker.co/rest/v2";
const headers = { "x-api-key": process.env.WOODPECKER_API_KEY ?? "" };

server.registerTool(
  "delete_microsoft_credential",
  {
    description: "Delete a Microsoft Graph credential",
    inputSchema: { credential_id: z.number().int().positive() },
  },
  async ({ credential_id }) => {
    const list = await fetch(`${base}/mailboxes/microsoft/credentials`, { headers });
    await list.text();
    const response = await fetch(`${base}/mailboxes/microsoft/credentials/${credential_id}`, {
      method: "DELETE",
      headers,
    });
    const text = await response.text();
    return {
      content: [{ type: "text", text: `${response.status} ${text}` }],
      isError: !response.ok,
    };
  },
);

await server.connect(new StdioServerTransport());
