// The bare reference for remote mode in `npm run bench`: the SDK's stateless Streamable HTTP
// pattern as its documentation shows it, on node:http, with one tool making the same request as
// list_microsoft_credentials with plain fetch. No Host, Origin or token checks, no body limit,
// no retries, queue, audit or schema of its own. It prints its port on stdout.
import { createServer } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

const base = process.env.WOODPECKER_API_BASE_URL ?? "https://api.woodpecker.co/rest/v2";
const headers = { "x-api-key": process.env.WOODPECKER_API_KEY ?? "" };

function serverForOneRequest() {
  const server = new McpServer({ name: "reference", version: "1.0.0" });
  server.registerTool(
    "list_microsoft_credentials",
    { description: "List the Microsoft Graph credentials" },
    async () => {
      const response = await fetch(`${base}/mailboxes/microsoft/credentials`, { headers });
      return { content: [{ type: "text", text: await response.text() }], isError: !response.ok };
    },
  );
  return server;
}

const listener = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const server = serverForOneRequest();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  response.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(
    request,
    response,
    JSON.parse(globalThis.Buffer.concat(chunks).toString()),
  );
});
listener.listen(0, "127.0.0.1", () => process.stdout.write(`${listener.address().port}\n`));
