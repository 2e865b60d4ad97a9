// The bare reference for `npm run bench`: what someone would write by hand in twenty lines.
// Same SDK, not bundled, one tool that makes the same DELETE with plain fetch.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "reference", version: "1.0.0" });
const base = process.env.WOODPECKER_API_BASE_URL ?? "https://api.woodpecker.co/rest/v2";

server.registerTool(
  "delete_microsoft_credential",
  {
    description: "Delete a Microsoft Graph credential",
    inputSchema: { credential_id: z.number().int().positive() },
  },
  async ({ credential_id }) => {
    const response = await fetch(`${base}/mailboxes/microsoft/credentials/${credential_id}`, {
      method: "DELETE",
      headers: { "x-api-key": process.env.WOODPECKER_API_KEY ?? "" },
    });
    const text = await response.text();
    return {
      content: [{ type: "text", text: `${response.status} ${text}` }],
      isError: !response.ok,
    };
  },
);

await server.connect(new StdioServerTransport());
