import type * as z from "zod";
import type { Config } from "../config/parse-cli.js";
import type { CallSubject } from "./explain-api-error.js";
import type { Target, ToolSuccess } from "./result.js";
import type { RetryNotice, WoodpeckerClient } from "../woodpecker/client.js";
import type { ToolName } from "./names.js";

/** The answer of the person asked through elicitation, already checked against the target. */
export type HumanAnswer = "confirmed" | "declined" | "wrong_value" | "no_answer";

export interface ToolContext {
  config: Config;
  /** Absent when no API key is configured and the sandbox is off. */
  client: WoodpeckerClient | undefined;
  signal: AbortSignal;
  /** Present when the client can show a form and WOODPECKER_ELICITATION is auto. */
  askHuman: ((question: HumanQuestion) => Promise<HumanAnswer>) | undefined;
  onRetry: (notice: RetryNotice) => void;
}

export interface HumanQuestion {
  message: string;
  /** The value the person must type, already normalized. */
  expected: string;
  normalize: (typed: string) => string | undefined;
}

export interface ToolAnnotationHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolDefinition<Input extends z.ZodObject> {
  name: ToolName;
  title: string;
  description: string;
  /** Strict: validates and normalizes the arguments; its JSON Schema is what clients see. */
  inputSchema: Input;
  annotations: ToolAnnotationHints;
  /** What the call acts on: echoed in every result and named in messages and the audit line. */
  // Method syntax on purpose: it lets a list of definitions with different inputs be registered
  // through one ToolDefinition<z.ZodObject> loop.
  subject(input: z.output<Input>): CallSubject & { target: Target };
  handler(input: z.output<Input>, context: ToolContext): Promise<ToolSuccess>;
}

export function defineTool<Input extends z.ZodObject>(
  definition: ToolDefinition<Input>,
): ToolDefinition<Input> {
  return definition;
}
