import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ElicitResultSchema,
  ErrorCode,
  McpError,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { $ZodError } from "zod/v4/core";
import type { PageHost } from "../confirmation/approval-page/page-server.js";
import type {
  FormChannel,
  PageChannel,
  PersonAnswer,
  PersonQuestion,
} from "../confirmation/person.js";
import type { SecretScrubber } from "../logging/secret.js";
import { nodeCrypto } from "../node-crypto.js";

/** How many items a form lists before "and N more": the approval page lists them all. */
const FORM_ITEM_LIMIT = 10;

/** Whether this client can show a form: it declared form elicitation (`{}` counts as form). */
export function canShowForm(server: Server): boolean {
  return server.getClientCapabilities()?.elicitation?.form !== undefined;
}

/** Whether this client can show the person an address to open (URL-mode elicitation). */
export function canShowUrl(server: Server): boolean {
  return server.getClientCapabilities()?.elicitation?.url !== undefined;
}

/**
 * The `form` channel: asks the person at the client to type the target's name through
 * `elicitation/create` (form mode). Only the typed value confirms; `accept` alone does not.
 */
export function formChannel(
  server: Server,
  options: { timeoutMs: number; scrubber: SecretScrubber },
): FormChannel {
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

/**
 * The `url` channel: the client shows the person the approval page's address through
 * `elicitation/create` in URL mode. Their consent to open it is not their yes: only the page's
 * answer is. The client is told once the page was answered.
 */
export function urlChannel(server: Server, options: { timeoutMs: number }): PageChannel {
  return {
    name: "url",
    async deliver({ url, title }, signal, answered) {
      const elicitationId = nodeCrypto().randomUUID();
      let consent;
      try {
        consent = await server.elicitInput(
          { mode: "url", message: urlMessage(title), url, elicitationId },
          { timeout: options.timeoutMs, signal },
        );
      } catch (error) {
        return signal.aborted ? "cancelled" : answerOfError(error);
      }
      if (consent.action !== "accept") {
        return consent.action === "decline" ? "declined" : "dismissed";
      }
      await answered;
      await server
        .createElicitationCompletionNotifier(elicitationId)()
        .catch(() => undefined);
      return "confirmed";
    },
  };
}

/**
 * Remote mode's `url` channel: the client shows the person the page's address, on the stream of
 * the call that asks. The client's consent to open it would come back in a request of its own,
 * which a stateless server does not wait for (any replica acknowledges it): the page is the
 * answer, and the call waits for the page alone. The client is told once it was answered.
 */
export function remoteUrlChannel(
  server: Server,
  host: PageHost,
  options: { relatedRequestId: RequestId; timeoutMs: number },
): PageChannel {
  const { relatedRequestId } = options;
  return {
    name: "url",
    host,
    linkInResult: true,
    deliver({ url, title }, signal, answered) {
      const elicitationId = nodeCrypto().randomUUID();
      // Not server.elicitInput: that checks a capability this request's server never heard.
      server
        .request(
          {
            method: "elicitation/create",
            params: { mode: "url", message: urlMessage(title), url, elicitationId },
          },
          ElicitResultSchema,
          { relatedRequestId, signal, timeout: options.timeoutMs },
        )
        .catch(() => undefined);
      return new Promise((resolve) => {
        if (signal.aborted) resolve("cancelled");
        signal.addEventListener("abort", () => resolve("cancelled"), { once: true });
        void answered.then(() => {
          // Straight to the transport, on the call's stream before its result: the SDK checks
          // the capability against an initialize this request's server never saw.
          server.transport
            ?.send(
              {
                jsonrpc: "2.0",
                method: "notifications/elicitation/complete",
                params: { elicitationId },
              },
              { relatedRequestId },
            )
            .catch(() => undefined);
          resolve("confirmed");
        });
      });
    },
  };
}

function urlMessage(title: string): string {
  return `${title} Open this page to see all that goes with it, and to confirm or cancel: only you can.`;
}

/**
 * The form's text: banners, what goes (ten items, then how many more; for a batch, every target
 * with ten of its items), and what to type.
 */
export function formMessage(question: PersonQuestion): string {
  const sections = (question.sections ?? []).flatMap((section) => [
    section.heading,
    ...someItems(section.items, "  • "),
  ]);
  return [
    ...question.banners.map((banner) => banner.text),
    ...(question.note === undefined ? [] : [question.note]),
    `${question.title} ${question.lead}`,
    ...someItems(question.items, "• "),
    ...sections,
    question.instruction,
  ].join("\n");
}

function someItems(items: readonly string[], bullet: string): string[] {
  const shown = items.slice(0, FORM_ITEM_LIMIT).map((item) => `${bullet}${item}`);
  const more = items.length - shown.length;
  return more > 0 ? [...shown, `${bullet}and ${more} more`] : shown;
}

function answerOfError(error: unknown): PersonAnswer {
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) return "no_answer";
    // The SDK checks the answer against the requested schema and the result shape.
    if (error.code === ErrorCode.InvalidParams) return "malformed";
    return "client_error";
  }
  // Imported by name: `z.core` would bring every zod locale into the bundle.
  if (error instanceof $ZodError) return "malformed";
  return "client_error";
}
