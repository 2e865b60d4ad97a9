import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { HumanAnswer, HumanQuestion } from "../tools/define.js";

/** Whether this client can show a form: it declared form elicitation (`{}` counts as form). */
export function canShowForm(server: Server): boolean {
  return server.getClientCapabilities()?.elicitation?.form !== undefined;
}

/**
 * Asks the person at the client to type a value through `elicitation/create` (form mode). Only
 * the typed value confirms; `accept` alone does not.
 */
export async function askThroughElicitation(
  server: Server,
  question: HumanQuestion,
  options: Pick<RequestOptions, "timeout" | "signal">,
): Promise<HumanAnswer> {
  let result;
  try {
    result = await server.elicitInput(
      {
        mode: "form",
        message: question.message,
        requestedSchema: {
          type: "object",
          properties: { confirmation: { type: "string", title: question.fieldTitle } },
          required: ["confirmation"],
        },
      },
      options,
    );
  } catch (error) {
    return answerOfError(error);
  }
  if (result.action === "decline") return "declined";
  if (result.action === "cancel") return "dismissed";
  const typed = result.content?.confirmation;
  if (typeof typed !== "string") return "malformed";
  return question.accepts(typed) ? "confirmed" : "wrong_value";
}

function answerOfError(error: unknown): HumanAnswer {
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) return "no_answer";
    // The SDK checks the answer against the requested schema and the result shape.
    if (error.code === ErrorCode.InvalidParams) return "malformed";
    return "client_error";
  }
  if (error instanceof Error && error.name === "ZodError") return "malformed";
  if (error instanceof Error && error.name === "AbortError") return "no_answer";
  return "client_error";
}
