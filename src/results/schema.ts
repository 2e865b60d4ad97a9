import * as z from "zod";
import type { ErrorKind, ErrorReason } from "./failure.js";

/** The most mailboxes a preview lists; `mailboxes_count` still counts them all. */
export const PREVIEW_MAILBOX_LIMIT = 100;

export const PreviewSchema = z
  .object({
    domain_name: z.string().describe("ASCII (punycode) form."),
    is_ready: z.boolean().describe("Woodpecker deletes a domain only when it is ready."),
    provider: z.string().nullable(),
    mailboxes_count: z.number().int().describe("Every mailbox the deletion takes with it."),
    mailboxes: z
      .array(z.object({ email: z.string(), status: z.string() }))
      .describe(`The mailboxes that go with the domain (the first ${PREVIEW_MAILBOX_LIMIT}).`),
    mailboxes_truncated: z.boolean().describe("True when mailboxes lists only some of them."),
  })
  .describe("What deleting the domain takes with it, read from Woodpecker during this call.");
export type Preview = z.infer<typeof PreviewSchema>;

export const CascadeChangeSchema = z
  .object({
    mailboxes_added: z.array(z.string()),
    mailboxes_removed: z.array(z.string()),
  })
  .describe("How the mailboxes differ from the ones the user was last shown.");
export type CascadeChange = z.infer<typeof CascadeChangeSchema>;

export const CredentialSummarySchema = z.object({
  credential_id: z.number().int(),
  name: z.string().nullable(),
  tenant_id: z.string(),
  client_id: z.string(),
  secret_expires_at: z.string().nullable(),
});
export type CredentialSummary = z.infer<typeof CredentialSummarySchema>;

const FieldIssueSchema = z.object({
  field: z.string(),
  issue: z.string(),
  value: z.string().nullable().optional(),
});

/**
 * One tool's result: the envelope every tool shares, with the statuses, error kinds, reasons and
 * fields of this tool only. Failures validate against it too (the SDK's Client checks them).
 */
export function resultSchema<
  Status extends string,
  Fields extends z.ZodRawShape,
  Reason extends ErrorReason = never,
>(spec: {
  statuses: readonly [Status, ...Status[]];
  errorKinds: readonly [ErrorKind, ...ErrorKind[]];
  /** The reasons this tool can give; a tool without any has no `reason` field. */
  reasons?: readonly [Reason, ...Reason[]];
  fields: Fields;
}) {
  // Written for both cases at once, the shape would be a union that types `reason` as unknown.
  const reason = (
    spec.reasons === undefined
      ? {}
      : {
          reason: z
            .enum(spec.reasons)
            .optional()
            .describe("What the failure means, whichever step found it; absent when unknown."),
        }
  ) as ReasonShape<Reason>;
  const error = z.object({
    kind: z.enum(spec.errorKinds).describe("What happened; stable, match on it."),
    ...reason,
    code: z.string().optional().describe("Woodpecker's own error code, when it sent one."),
    title: z.string().optional().describe("Woodpecker's text, as it sent it."),
    detail: z
      .string()
      .optional()
      .describe("Woodpecker's text, or a labelled excerpt of its answer."),
    timestamp: z.string().optional(),
    request_id: z.string().optional(),
    fields: z.array(FieldIssueSchema).optional(),
    retryable: z.boolean().describe("Whether calling again unchanged may succeed."),
    retry_after_seconds: z.number().int().optional(),
    hint: z.string().describe("What to do next."),
  });
  const statuses: readonly [Status | "error", ...(Status | "error")[]] = [
    ...spec.statuses,
    "error",
  ];
  return z.object({
    ok: z.boolean().describe("False when nothing was deleted, accepted or read."),
    status: z.enum(statuses),
    ...spec.fields,
    dry_run: z.boolean().describe("True when WOODPECKER_DRY_RUN is on: no DELETE is ever sent."),
    sandbox: z.boolean().describe("True when served by the built-in sandbox, not Woodpecker."),
    message: z.string().describe("One-paragraph human summary."),
    http_status: z
      .number()
      .int()
      .optional()
      .describe("Woodpecker's HTTP status, when it answered."),
    attempts: z.number().int().optional().describe("HTTP attempts made, retries included."),
    error: error.optional().describe("Present exactly when ok is false."),
  });
}

type ReasonShape<Reason extends ErrorReason> = [Reason] extends [never]
  ? Record<never, never>
  : { reason: z.ZodOptional<z.ZodEnum<{ [R in Reason]: R }>> };

type EnvelopeKey = "ok" | "status" | "dry_run" | "sandbox" | "message" | "error";

/** What a handler returns when it succeeds: its status, its message and its own fields. */
export type ToolSuccess<Output extends z.ZodObject> = {
  status: Exclude<z.output<Output>["status"], "error">;
  message: string;
} & Omit<z.output<Output>, EnvelopeKey>;
