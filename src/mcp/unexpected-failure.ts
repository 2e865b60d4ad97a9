import type { Logger } from "../logging/logger.js";
import { ToolFailure } from "../results/failure.js";
import type { AnyToolDefinition } from "../tools/define.js";

/** A failure as a result: a ToolFailure as it is, anything else logged and named as a fault. */
export function asToolFailure(
  error: unknown,
  tool: AnyToolDefinition,
  logger: Logger,
): ToolFailure {
  if (error instanceof ToolFailure) return error;
  logger.error({ err: error, tool: tool.name }, "unexpected failure in tool handler");
  return new ToolFailure(
    "unexpected_response",
    `${tool.name} failed in an unexpected way inside this server.`,
    "Do not assume anything was or was not deleted: check in Woodpecker, and report this to whoever runs the server.",
    { retryable: false },
  );
}
