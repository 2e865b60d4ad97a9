import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../logging/logger.js";

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

/**
 * The SDK drops a line it cannot read and reports it only to `onerror`. JSON-RPC 2.0 asks for an
 * error response with a null id, so the client learns that its message was lost.
 */
export function answerUnreadableMessages(
  server: McpServer,
  transport: Transport,
  logger: Logger,
): void {
  server.server.onerror = (error) => {
    const code =
      error instanceof SyntaxError
        ? PARSE_ERROR
        : error.name === "ZodError"
          ? INVALID_REQUEST
          : undefined;
    if (code === undefined) {
      logger.warn({ err: error }, "protocol error");
      return;
    }
    logger.warn({ error_type: error.name }, "dropped an unreadable message from the client");
    const response = {
      jsonrpc: "2.0",
      id: null,
      error: { code, message: code === PARSE_ERROR ? "Parse error" : "Invalid Request" },
    };
    // The SDK's message type has no null id, which JSON-RPC requires for these two errors.
    transport.send(response as unknown as JSONRPCMessage).catch(() => undefined);
  };
}
