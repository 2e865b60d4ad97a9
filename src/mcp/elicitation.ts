import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { PersonAnswer, PersonChannel, PersonQuestion } from "../confirmation/person.js";
import type { SecretScrubber } from "../logging/secret.js";

/** How many items a form lists before "and N more": the approval page lists them all. */
const FORM_ITEM_LIMIT = 10;

/** Whether this client can show a form: it declared form elicitation (`{}` counts as form). */
export function canShowForm(server: Server): boolean {
  return server.getClientCapabilities()?.elicitation?.form !== undefined;
}

/**
 * The `form` channel: asks the person at the client to type the target's name through
 * `elicitation/create` (form mode). Only the typed value confirms; `accept` alone does not.
 */
export function formChannel(
  server: Server,
  options: { timeoutMs: number; scrubber: SecretScrubber },
): PersonChannel {
  return {
    name: "form",
    async ask(question, signal) {
      let result;
      try {
        result = await server.elicitInput(
          {
            mode: "form",
            message: options.scrubber.text(formMessage(question)),
            requestedSchema: {
              type: "object",
              properties: {
                confirmation: {
                  type: "string",
                  title: options.scrubber.text(question.fieldTitle),
                },
              },
              required: ["confirmation"],
            },
          },
          { timeout: options.timeoutMs, signal },
        );
      } catch (error) {
        return signal.aborted ? "cancelled" : answerOfError(error);
      }
      if (result.action === "decline") return "declined";
      if (result.action === "cancel") return "dismissed";
      const typed = result.content?.confirmation;
      if (typeof typed !== "string") return "malformed";
      return question.accepts(typed) ? "confirmed" : "wrong_value";
    },
  };
}

/** The form's text: banners, what goes (ten items, then how many more), and what to type. */
export function formMessage(question: PersonQuestion): string {
  const items = question.items.slice(0, FORM_ITEM_LIMIT).map((item) => `• ${item}`);
  const more = question.items.length - items.length;
  if (more > 0) items.push(`• and ${more} more`);
  return [
    ...question.banners,
    ...(question.note === undefined ? [] : [question.note]),
    `${question.title} ${question.lead}`,
    ...items,
    question.instruction,
  ].join("\n");
}

function answerOfError(error: unknown): PersonAnswer {
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) return "no_answer";
    // The SDK checks the answer against the requested schema and the result shape.
    if (error.code === ErrorCode.InvalidParams) return "malformed";
    return "client_error";
  }
  if (error instanceof z.core.$ZodError) return "malformed";
  return "client_error";
}
