import * as z from "zod";

export const ERROR_KINDS = [
  "invalid_input",
  "not_configured",
  "confirmation_required",
  "confirmation_mismatch",
  "cancelled_by_user",
  "protected",
  "bad_request",
  "unauthorized",
  "not_found",
  "validation_error",
  "rate_limited",
  "server_error",
  "unavailable",
  "timeout",
  "network_error",
  "unexpected_response",
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

const FieldIssueSchema = z.object({
  field: z.string(),
  issue: z.string(),
  value: z.string().nullable().optional(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

const ToolErrorSchema = z.object({
  kind: z.enum(ERROR_KINDS).describe("Stable category of the failure; match on this."),
  code: z.string().optional().describe("Woodpecker's own error code, when it sent one."),
  title: z.string().optional(),
  detail: z.string().optional(),
  timestamp: z.string().optional(),
  request_id: z.string().optional(),
  fields: z.array(FieldIssueSchema).optional(),
  retryable: z.boolean().describe("Whether calling again unchanged may succeed."),
  retry_after_seconds: z.number().optional(),
  hint: z.string().describe("What to do next."),
});

const RESULT_STATUSES = ["deleted", "deletion_accepted", "dry_run", "error"] as const;

/** The one shape of every tool result, success or failure (DESIGN.md, "Tool results"). */
export const ToolResultSchema = z.object({
  ok: z.boolean().describe("False when nothing was deleted or accepted."),
  status: z.enum(RESULT_STATUSES),
  domain_name: z.string().optional().describe("The normalized domain name."),
  credential_id: z.number().int().optional(),
  http_status: z.number().int().optional().describe("Woodpecker's HTTP status, when it answered."),
  attempts: z.number().int().optional().describe("HTTP attempts made, retries included."),
  dry_run: z.boolean(),
  sandbox: z.boolean().describe("True when served by the built-in sandbox, not the real API."),
  message: z.string().describe("One-paragraph human summary."),
  error: ToolErrorSchema.optional().describe("Present exactly when ok is false."),
});
export type ToolResult = z.infer<typeof ToolResultSchema>;

export type Target = Pick<ToolResult, "domain_name" | "credential_id">;

/** What a handler reports when it succeeds. */
export interface ToolSuccess {
  status: Exclude<ToolResult["status"], "error">;
  message: string;
  http_status?: number;
  attempts?: number;
}

export interface FailureDetails extends Omit<
  z.infer<typeof ToolErrorSchema>,
  "kind" | "retryable" | "hint"
> {
  http_status?: number;
  attempts?: number;
  retryable?: boolean;
}

/**
 * A failure a handler (or the HTTP client) throws; the registration wrapper turns it into a
 * result. The message is the human summary and must hold only text this server wrote or parsed.
 */
export class ToolFailure extends Error {
  override name = "ToolFailure";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint: string,
    readonly details: FailureDetails = {},
  ) {
    super(message);
  }
}

const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set([
  "rate_limited",
  "server_error",
  "unavailable",
  "timeout",
  "network_error",
]);

export function successResult(
  success: ToolSuccess,
  target: Target,
  mode: { dryRun: boolean; sandbox: boolean },
): ToolResult {
  const { status, message, ...http } = success;
  return {
    ok: true,
    status,
    ...target,
    ...http,
    dry_run: mode.dryRun,
    sandbox: mode.sandbox,
    message,
  };
}

export function failureResult(
  failure: ToolFailure,
  target: Target,
  mode: { dryRun: boolean; sandbox: boolean },
): ToolResult {
  const { http_status, attempts, retryable, ...details } = failure.details;
  return {
    ok: false,
    status: "error",
    ...target,
    ...(http_status === undefined ? {} : { http_status }),
    ...(attempts === undefined ? {} : { attempts }),
    dry_run: mode.dryRun,
    sandbox: mode.sandbox,
    message: failure.message,
    error: {
      kind: failure.kind,
      ...details,
      retryable: retryable ?? RETRYABLE_KINDS.has(failure.kind),
      hint: failure.hint,
    },
  };
}
