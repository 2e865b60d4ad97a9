import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { ApprovalRooms } from "../confirmation/approval-page/rooms.js";
import { SharedDeletes } from "../confirmation/shared-deletes.js";
import { ShownCascades } from "../confirmation/shown-cascades.js";
import { SERVER_NAME, SERVER_VERSION } from "../package-info.js";
import { TOOLS } from "../tools/index.js";
import { formAnswerValidator } from "./form-answer-validator.js";
import { registerTool } from "./register-tool.js";
import type { SharedState, ToolDependencies } from "./tool-dependencies.js";
import { TOOL_LIST } from "./tool-list.js";

/** How often a call waiting for a person tells the client it is alive (at least every 15 s). */
const HEARTBEAT_MS = 10_000;

export type ServerDependencies = Omit<ToolDependencies, "heartbeatMs" | "shared"> &
  Partial<Pick<ToolDependencies, "heartbeatMs">>;

const INSTRUCTIONS = [
  "Tools to look at and delete Woodpecker domains (with every mailbox on them, one or several at once), single mailboxes and Microsoft Graph credentials. A deletion cannot be undone.",
  "Every deleting tool shows what it would delete (preview) before anything happens, and deletes only after the user's yes: the user is asked directly where the client allows it; otherwise the answer is status confirmation_required, which is a question, not an error: show the preview to the user, ask, and only if they agree call again with confirm and the preview_token given.",
  "Every result has ok, status and message; a failure has error.kind, error.reason when known, and error.hint: what to do next.",
].join(" ");

/** What the process keeps across calls: what was shown, the DELETEs in flight, the open pages. */
export function createSharedState(): SharedState {
  return { shown: new ShownCascades(), deletes: new SharedDeletes(), rooms: new ApprovalRooms() };
}

/** The MCP server with the configured tools. */
export function createServer(
  deps: ServerDependencies,
  shared: SharedState = createSharedState(),
): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    { instructions: INSTRUCTIONS, jsonSchemaValidator: formAnswerValidator },
  );
  const toolDeps: ToolDependencies = { heartbeatMs: HEARTBEAT_MS, ...deps, shared };
  for (const tool of TOOLS) {
    if (deps.config.tools.includes(tool.name)) registerTool(server, tool, toolDeps);
  }
  // tools/list answers with the list made at build time, rather than have the SDK convert every
  // schema at every start (and, in remote mode, at every request).
  const enabled: readonly string[] = deps.config.tools;
  const listed = TOOL_LIST.filter((tool) => enabled.includes(tool.name));
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...listed] }));
  // The list of tools is fixed at start, so the server does not claim it can change.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  return server;
}
