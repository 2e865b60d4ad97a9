import * as z from "zod";
import type { ErrorKind, ErrorReason } from "./failure.js";

/** The most mailboxes a preview carries; `mailboxes_count` and `mailboxes_listed` count them all. */
export const PREVIEW_MAILBOX_LIMIT = 100;

export const PreviewSchema = z
  .object({
    domain_name: z.string().describe("ASCII (punycode) form."),
    is_ready: z.boolean().describe("Woodpecker deletes a domain only when it is ready."),
    provider: z.string().nullable(),
    mailboxes_count: z
      .number()
      .int()
      .describe("Woodpecker's own count of the domain's mailboxes: all go with it."),
    mailboxes_listed: z
      .number()
      .int()
      .describe("How many mailboxes Woodpecker listed; when it differs from the count, say both."),
    mailboxes: z
      .array(z.object({ email: z.string(), status: z.string() }))
      .describe(`The listed mailboxes (the first ${PREVIEW_MAILBOX_LIMIT}).`),
    mailboxes_truncated: z
      .boolean()
      .describe("True when more were listed than `mailboxes` carries."),
  })
  .describe("What deleting the domain takes with it, read from Woodpecker during this call.");
export type Preview = z.infer<typeof PreviewSchema>;

export const CascadeChangeSchema = z
  .object({
    mailboxes_added: z.array(z.string()),
    mailboxes_removed: z.array(z.string()),
  })
  .describe("How the mailboxes differ from the ones the user was shown.");
export type CascadeChange = z.infer<typeof CascadeChangeSchema>;

export const CredentialSummarySchema = z.object({
  credential_id: z.number().int(),
  name: z.string().nullable(),
  tenant_id: z.string(),
  client_id: z.string(),
  secret_expires_at: z.string().nullable(),
});
export type CredentialSummary = z.infer<typeof CredentialSummarySchema>;

/** The channels a deletion can be confirmed through, in the order they are tried. */
export const CONFIRMED_BY = ["form", "url", "page", "agent"] as const;
export type ConfirmedBy = (typeof CONFIRMED_BY)[number];

export const ConfirmedBySchema = z
  .enum(CONFIRMED_BY)
  .describe(
    "Who said yes: the person in a form (form) or on the approval page (url, page), or the agent relaying the person's yes with the preview token (agent).",
  );

/** The `confirmation` object of a `confirmation_required` answer; `change` is the tool's own. */
export function confirmationSchema<Change extends z.ZodType | undefined = undefined>(
  change?: Change,
) {
  const changeShape = (
    change === undefined ? {} : { cascade_change: change.optional() }
  ) as Change extends z.ZodType ? { cascade_change: z.ZodOptional<Change> } : Record<never, never>;
  return z
    .object({
      preview_token: z
        .string()
        .max(48)
        .describe("Pass it back unchanged, with confirm, once the user agreed."),
      expires_at: z.string().describe("When the token stops confirming (ISO 8601, UTC)."),
      hint: z.string().describe("What to do next."),
      reason: z
        .enum(["cascade_changed", "token_expired", "awaiting_person"])
        .optional()
        .describe(
          "Why no deletion yet: what was shown changed, the token is too old, or the user is still being asked on the approval page in their browser.",
        ),
      approval_url: z
        .string()
        .optional()
        .describe(
          "Remote mode: the approval page where the user confirms or cancels, to show them as a link. Only the user, signed in to this server in their browser, can answer it.",
        ),
      ...changeShape,
    })
    .describe("Present exactly when status is confirmation_required.");
}

const FieldIssueSchema = z.object({
  field: z.string(),
  issue: z.string(),
  value: z.string().nullable().optional(),
});

/** The status of an answer that asks for the person's yes: neither a success nor an error. */
export const CONFIRMATION_REQUIRED = "confirmation_required";

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
    ok: z
      .boolean()
      .describe("True exactly when what was asked happened: read, deleted, accepted or rehearsed."),
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
    error: error.optional().describe("Present exactly when status is error."),
  });
}

type ReasonShape<Reason extends ErrorReason> = [Reason] extends [never]
  ? Record<never, never>
  : { reason: z.ZodOptional<z.ZodEnum<{ [R in Reason]: R }>> };

type EnvelopeKey = "ok" | "status" | "dry_run" | "sandbox" | "message" | "error";

/** What a handler returns when nothing failed: its status, its message and its own fields. */
export type ToolAnswer<Output extends z.ZodObject> = {
  status: Exclude<z.output<Output>["status"], "error">;
  message: string;
} & Omit<z.output<Output>, EnvelopeKey>;
