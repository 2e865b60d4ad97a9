import type * as z from "zod";
import type { Config } from "../config/parse-cli.js";
import type { CallOptions, Reply, WoodpeckerClient } from "../woodpecker/client.js";
import type { ToolName } from "./names.js";
import type { PreviewLedger } from "./preview-ledger.js";
import type { ToolSuccess } from "../results/schema.js";
import type { SingleFlight } from "./single-flight.js";

/** How the person answered the confirmation prompt, already checked against the target. */
export type HumanAnswer =
  | "confirmed"
  | "declined"
  | "dismissed"
  | "wrong_value"
  | "malformed"
  | "no_answer"
  /** The client answered with an error: it may never have shown the prompt. */
  | "client_error";

export interface HumanQuestion {
  message: string;
  /** What the form's one text field says. */
  fieldTitle: string;
  /** Whether what the person typed is the confirmation. */
  accepts: (typed: string) => boolean;
}

/** A DELETE request, described for the audit trail and sent only when this is not a dry run. */
export interface DeleteRequest {
  /** e.g. `DELETE /domains/piedpiper.com` */
  description: string;
  send: (options: CallOptions) => Promise<Reply<undefined>>;
}

export interface ToolContext {
  config: Config;
  /** Absent when no API key is configured and the sandbox is off. */
  client: WoodpeckerClient | undefined;
  /** Abort signal and retry reporting for every Woodpecker call the handler makes. */
  call: CallOptions;
  /** Present when the client can show a form and WOODPECKER_ELICITATION is auto. */
  askHuman: ((question: HumanQuestion) => Promise<HumanAnswer>) | undefined;
  /**
   * The only way a handler sends a DELETE: writes the audit intent line, then sends it; in a dry
   * run sends nothing and answers "dry_run".
   */
  sendDelete: (request: DeleteRequest) => Promise<Reply<undefined> | "dry_run">;
  /** What delete_domain last showed for each domain, for ten minutes. */
  previews: PreviewLedger;
  /** DELETEs in flight, one per target. */
  deletes: SingleFlight<Reply<undefined> | "dry_run">;
}

export interface ToolAnnotationHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** A tool that only reads Woodpecker: calling it again changes nothing. */
export const READS: ToolAnnotationHints = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};

/** A tool that deletes for good; deleting what is already gone is refused, not repeated. */
export const DELETES: ToolAnnotationHints = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
};

/** What a call acts on, echoed in its failures and in the audit trail. */
export type Target = { domain_name: string } | { credential_id: number } | Record<string, never>;

export interface ToolDefinition<Input extends z.ZodObject, Output extends z.ZodObject> {
  name: ToolName;
  title: string;
  description: string;
  /** Strict: validates and normalizes the arguments; its JSON Schema is what clients see. */
  inputSchema: Input;
  /** Exactly what this tool returns, failures included. */
  outputSchema: Output;
  annotations: ToolAnnotationHints;
  // Method syntax on purpose: it lets definitions with different schemas be registered through
  // one AnyToolDefinition loop. Absent for a tool that acts on no one thing.
  target?(input: z.output<Input>): Target;
  handler(input: z.output<Input>, context: ToolContext): Promise<ToolSuccess<Output>>;
}

export type AnyToolDefinition = ToolDefinition<z.ZodObject, z.ZodObject>;

export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return definition;
}
