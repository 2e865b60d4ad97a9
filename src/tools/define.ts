import type * as z from "zod";
import type { Config } from "../config/parse-cli.js";
import type { ConfirmationAnswer, Deletion, Said } from "../confirmation/deletion.js";
import type { Relayed } from "../confirmation/engine.js";
import type { PreviewTokens } from "../confirmation/preview-token.js";
import type { ToolAnswer } from "../results/schema.js";
import type { CallOptions, WoodpeckerClient } from "../woodpecker/client.js";
import type { ToolName } from "./names.js";

/** The Woodpecker account a call acts on: its client, and the preview tokens bound to its key. */
export interface Account {
  client: WoodpeckerClient;
  tokens: PreviewTokens;
  /** A short hash of the key, for the audit trail: never the key. */
  fingerprint: string;
}

/** A DELETE, described for the audit trail, and sent only when this is not a dry run. */
export interface DeleteRequest<Sent> {
  /** One DELETE per key in flight: `domain:piedpiper.com`. */
  key: string;
  /** e.g. `DELETE /domains/piedpiper.com` */
  description: string;
  /** One of several DELETEs of one call: what it acts on, and its place among them. */
  batch?: BatchPlace;
  send: (options: CallOptions) => Promise<Sent>;
}

export interface BatchPlace {
  /** The same for every DELETE of one confirmed batch. */
  id: string;
  /** 1 for the first DELETE. */
  position: number;
  size: number;
  /** What this DELETE acts on: `piedpiper.com`. */
  target: string;
}

export type DeleteOutcome<Sent> =
  | { dryRun: true }
  /** `joined`: another call was already sending this DELETE; this one waited for its outcome. */
  | { dryRun: false; sent: Sent; joined: boolean };

/** How a deletion reaches Woodpecker: within a call, or on the approval page's behalf. */
export interface DeletionVia {
  /** Abort signal, retry reporting and send notice for every Woodpecker request. */
  call: CallOptions;
  /** Tells the client how a long deletion is getting on ("read 3 of 12 domains"). */
  progress(message: string): void;
  /**
   * The only way a DELETE is sent: one per account and key in flight, the audit intent line
   * written first (no DELETE when it cannot be); in a dry run nothing is sent.
   */
  sendDelete<Sent>(request: DeleteRequest<Sent>): Promise<DeleteOutcome<Sent>>;
}

/** What a deleting tool hands the confirmation engine. */
export type ToolDeletion<Fields, Answer extends Said> = Deletion<Fields, Answer, DeletionVia>;

export interface ToolContext {
  config: Config;
  /** Absent when no API key is configured and the sandbox is off. */
  account: Account | undefined;
  /** Abort signal, retry reporting and send notice for every Woodpecker call the handler makes. */
  call: CallOptions;
  /**
   * The confirmation engine, with this call's channels to a person: reads the preview, asks,
   * and carries the deletion out once confirmed; or answers with the question.
   */
  delete<Fields, Answer extends Said>(
    deletion: ToolDeletion<Fields, Answer>,
    relayed: Relayed,
  ): Promise<Answer | ConfirmationAnswer<Fields>>;
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
export type Target =
  | { domain_name: string }
  | { domain_name: string; email: string }
  | { domain_names: string[] }
  | { credential_id: number }
  | Record<string, never>;

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
  handler(input: z.output<Input>, context: ToolContext): Promise<ToolAnswer<Output>>;
}

export type AnyToolDefinition = ToolDefinition<z.ZodObject, z.ZodObject>;

export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return definition;
}
