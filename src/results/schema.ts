import * as z from "zod";
import { COMMON_ERROR_KINDS, type ErrorKind, type ErrorReason } from "./failure.js";

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
/** A change as any deleting tool reports it; a single domain's leaves the domain lists out. */
export type CascadeChange = z.infer<typeof BatchCascadeChangeSchema>;

export const MailboxSummarySchema = z
  .object({
    domain_name: z.string(),
    email: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    status: z.string().describe("ORDERED or PAID: Woodpecker deletes only a PAID (connected) one."),
  })
  .describe("The mailbox as Woodpecker listed it during this call: what the deletion takes.");
export type MailboxSummary = z.infer<typeof MailboxSummarySchema>;

/** Why a domain of a batch is left out of what is confirmed: Woodpecker would refuse it. */
export const LEFT_OUT_REASONS = [
  "domain_not_found",
  "domain_not_ready",
  "domain_deletion_in_progress",
] as const;

export const BatchPreviewSchema = z
  .object({
    domains: z
      .array(PreviewSchema)
      .describe("Every domain that goes, with what it takes: what the user confirms."),
    left_out: z
      .array(
        z.object({
          domain_name: z.string(),
          reason: z.enum(LEFT_OUT_REASONS),
          message: z.string(),
        }),
      )
      .describe(
        "Domains asked for that Woodpecker would refuse to delete: not deleted, not asked.",
      ),
  })
  .describe("What deleting the domains takes, read from Woodpecker during this call.");
export type BatchPreview = z.infer<typeof BatchPreviewSchema>;

export const BatchDeletionSchema = z.object({
  domain_name: z.string(),
  status: z
    .enum(["deletion_accepted", "error", "not_sent"])
    .describe(
      "not_sent: an earlier DELETE of the batch failed in a way that fails them all (the key rejected, rate limited), so this one was not sent.",
    ),
  kind: z
    .enum(COMMON_ERROR_KINDS)
    .optional()
    .describe("The error kind, as a call for this domain alone would say."),
  reason: z.enum(LEFT_OUT_REASONS).optional(),
  http_status: z.number().int().optional(),
  attempts: z.number().int().optional(),
  verified_by_read: z.literal(true).optional(),
  message: z.string(),
});
export type BatchDeletion = z.infer<typeof BatchDeletionSchema>;

/** A batch's change: the mailboxes, and which domains came, went, or were counted anew. */
export const BatchCascadeChangeSchema = CascadeChangeSchema.extend({
  domains_added: z.array(z.string()).optional(),
  domains_removed: z.array(z.string()).optional(),
  counts_changed: z
    .array(z.string())
    .optional()
    .describe("Domains whose mailbox count Woodpecker changed."),
}).describe("How what the domains take differs from what the user was shown.");

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

/**
 * Set when the DELETE's last answer came on a retry after an attempt that may have landed, and a
 * read afterwards showed `shown` (what the read showed of the target).
 */
export function verifiedByReadSchema(shown: string) {
  return z
    .literal(true)
    .optional()
    .describe(
      `The DELETE's last answer was ambiguous (a retry after an attempt that may have landed); a read afterwards ${shown}.`,
    );
}

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
