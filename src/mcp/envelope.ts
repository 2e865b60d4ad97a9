import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { SecretScrubber } from "../logging/secret.js";
import type { Target } from "../tools/define.js";
import type { ToolFailure } from "../results/failure.js";
import { CONFIRMATION_REQUIRED } from "../results/schema.js";

export interface Mode {
  dryRun: boolean;
  sandbox: boolean;
}

/** A result as the client receives it: the envelope every tool shares, and its own fields. */
export interface ResultBody {
  ok: boolean;
  status: string;
  message: string;
  error?: { kind: string; reason?: string; request_id?: string; retryable: boolean; hint: string };
  confirmation?: { hint: string; reason?: string };
  http_status?: number;
  attempts?: number;
  [field: string]: unknown;
}

/**
 * The result of a handler that did not fail: `ok` unless it asks for the person's confirmation,
 * which is neither a success nor an error.
 */
export function answerBody(
  answer: { status: unknown; message: string },
  target: Target,
  mode: Mode,
): ResultBody {
  const { status, message, ...fields } = answer;
  return {
    ok: status !== CONFIRMATION_REQUIRED,
    status: String(status),
    ...target,
    dry_run: mode.dryRun,
    sandbox: mode.sandbox,
    message: marked(message, mode),
    ...fields,
  };
}

export function failureBody(failure: ToolFailure, target: Target, mode: Mode): ResultBody {
  return {
    ok: false,
    status: failure.status,
    ...target,
    dry_run: mode.dryRun,
    sandbox: mode.sandbox,
    message: marked(failure.message, mode),
    ...failure.fields,
    error: {
      kind: failure.kind,
      ...failure.details,
      retryable: failure.details.retryable ?? false,
      hint: failure.hint,
    },
  };
}

/** Every message in a dry run starts with "Dry run:"; every sandbox message says "Sandbox:". */
function marked(message: string, mode: Mode): string {
  if (mode.dryRun && mode.sandbox) return `Dry run: ${message} (Sandbox: a simulated account.)`;
  if (mode.dryRun) return `Dry run: ${message}`;
  return mode.sandbox ? `Sandbox: ${message}` : message;
}

/**
 * The MCP result: structuredContent, and a text block (the message, then the same JSON, hint
 * included, once) for clients that ignore it; `isError` exactly when there is an `error`. The key is
 * scrubbed from every value before either is made; the JSON holds every value, so when the key
 * is not in it there is nothing to scrub.
 */
export function toCallToolResult(body: ResultBody, scrubber: SecretScrubber): CallToolResult {
  let json = JSON.stringify(body);
  let safe = body;
  if (scrubber.foundIn(json)) {
    safe = scrubber.value(body);
    json = JSON.stringify(safe);
  }
  return {
    content: [{ type: "text", text: `${safe.message}\n\n${json}` }],
    structuredContent: safe,
    isError: safe.error !== undefined,
  };
}
