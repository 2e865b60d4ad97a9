import type { ParsedErrorBody } from "../woodpecker/error-body.js";
import type {
  BatchDeletion,
  BatchPreview,
  CredentialSummary,
  MailboxSummary,
  Preview,
} from "./schema.js";

/** Kinds every tool can answer: bad arguments, no key, a cancelled call, and any Woodpecker failure. */
export const COMMON_ERROR_KINDS = [
  "invalid_input",
  "not_configured",
  "cancelled",
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

/** The kinds the confirmation engine answers, for every deleting tool. */
export const CONFIRMATION_ERROR_KINDS = [
  "confirmation_mismatch",
  "cancelled_by_user",
  "person_required",
] as const;

/** The kinds only the domain and mailbox deletions answer: refusals before anything is sent. */
export const DOMAIN_GUARD_ERROR_KINDS = ["protected", "precondition_failed"] as const;

export type ErrorKind =
  | (typeof COMMON_ERROR_KINDS)[number]
  | (typeof CONFIRMATION_ERROR_KINDS)[number]
  | (typeof DOMAIN_GUARD_ERROR_KINDS)[number];

/** What a failure means, whichever step found it; absent when Woodpecker's answer is unknown. */
export type ErrorReason =
  | "domain_not_found"
  | "domain_not_ready"
  | "domain_deletion_in_progress"
  | "credential_not_found"
  | "credential_in_use"
  | "mailbox_not_found"
  | "mailbox_not_connected";

/** The `error` fields besides kind and hint: Woodpecker's, as it sent them, and this server's. */
export interface ErrorDetails extends Omit<ParsedErrorBody, "recognized"> {
  reason?: ErrorReason;
  retryable?: boolean;
  retry_after_seconds?: number;
}

/** Result fields a failure carries besides `error`: what was read before it happened. */
export interface FailureFields {
  http_status?: number;
  attempts?: number;
  preview?: Preview | BatchPreview;
  credential?: CredentialSummary;
  mailbox?: MailboxSummary;
  deletions?: BatchDeletion[];
}

/**
 * A failure a handler throws; the registration wrapper turns it into a result. The message is the
 * human summary and holds only text this server wrote, or Woodpecker's, quoted as Woodpecker's.
 */
export class ToolFailure extends Error {
  override name = "ToolFailure";
  readonly status: "error" | "partially_accepted" = "error";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint: string,
    readonly details: ErrorDetails = {},
    readonly fields: FailureFields = {},
  ) {
    super(message);
  }
}

/**
 * Several deletions of which some were accepted and others failed: not what was asked (`ok` is
 * false, and `error` sums up what failed), yet not nothing either, as its status says.
 */
export class PartialFailure extends ToolFailure {
  override name = "PartialFailure";
  override readonly status = "partially_accepted";
}
