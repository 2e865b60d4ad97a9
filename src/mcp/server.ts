import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SERVER_NAME, SERVER_VERSION } from "../package-info.js";
import { TOOLS } from "../tools/index.js";
import { PreviewLedger } from "../tools/preview-ledger.js";
import { SingleFlight } from "../tools/single-flight.js";
import { registerTool, type ToolDependencies } from "./register-tool.js";

export interface ServerDependencies extends Omit<ToolDependencies, "previews" | "deletes"> {
  /** The clock of the ten-minute preview memory; tests move it. */
  now?: () => number;
}

const INSTRUCTIONS = [
  "Tools to look at and delete Woodpecker domains (with every mailbox on them) and Microsoft Graph credentials. A deletion cannot be undone.",
  "delete_domain always shows what it would delete (preview) before anything happens: show it to the user and ask before confirming, unless the client asks the user itself.",
  "Every result has ok, status and message; a failure has error.kind, error.reason when known, and error.hint: what to do next.",
].join(" ");

/** The MCP server with the configured tools; it owns the state the tools share. */
export function createServer(deps: ServerDependencies): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    { instructions: INSTRUCTIONS },
  );
  const toolDeps: ToolDependencies = {
    ...deps,
    previews: new PreviewLedger(deps.now),
    deletes: new SingleFlight(),
  };
  for (const tool of TOOLS) {
    if (deps.config.tools.includes(tool.name)) registerTool(server, tool, toolDeps);
  }
  // The list of tools is fixed at start, so the server does not claim it can change.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  return server;
}
