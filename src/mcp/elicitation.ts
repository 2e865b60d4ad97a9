import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { HumanAnswer, HumanQuestion } from "../tools/define.js";

/**
 * Asks the person at the client to type the value through `elicitation/create` (form mode). Only
 * the typed value confirms; a decline, a cancel, a wrong value, an error or no answer in time
 * never does.
 */
export async function askHumanThroughElicitation(
  server: Server,
  question: HumanQuestion,
  options: Pick<RequestOptions, "timeout" | "signal">,
): Promise<HumanAnswer> {
  try {
    const result = await server.elicitInput(
      {
        mode: "form",
        message: question.message,
        requestedSchema: {
          type: "object",
          properties: {
            confirmation: {
              type: "string",
              title: "Type the name to confirm",
              description: `Type ${question.expected} to delete it permanently.`,
            },
          },
          required: ["confirmation"],
        },
      },
      options,
    );
    if (result.action !== "accept") return "declined";
    const typed = result.content?.confirmation;
    if (typeof typed !== "string") return "wrong_value";
    return question.normalize(typed) === question.expected ? "confirmed" : "wrong_value";
  } catch {
    return "no_answer";
  }
}
