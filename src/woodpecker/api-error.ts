import type { ParsedErrorBody } from "./error-body.js";
import { RETRY_STATUSES } from "./retry.js";

/** Why a Woodpecker call did not end in its documented success. */
export type ApiErrorReason =
  | {
      type: "http";
      status: number;
      body: ParsedErrorBody;
      /** Set when the body was not a documented shape: a labelled, sanitized excerpt. */
      unrecognizedBody?: string;
      retryAfterSeconds?: number;
    }
  /** The documented success status, but not the documented body. */
  | { type: "unexpected_body"; status: number; detail: string }
  | { type: "timeout"; afterMs: number }
  | { type: "network"; code: string }
  | { type: "cancelled" };

export class ApiError extends Error {
  override name = "ApiError";
  /**
   * True when an attempt before the last one failed in a way that Woodpecker may still have
   * carried out (a 5xx, a timeout, a connection broken after sending): for a DELETE, the last
   * answer alone does not tell what happened.
   */
  readonly earlierMayHaveLanded: boolean;

  constructor(
    readonly reason: ApiErrorReason,
    readonly attempts: number,
    history: { earlierMayHaveLanded: boolean } = { earlierMayHaveLanded: false },
  ) {
    super(`Woodpecker call failed: ${reason.type}${"status" in reason ? ` ${reason.status}` : ""}`);
    this.earlierMayHaveLanded = history.earlierMayHaveLanded;
  }

  /** Whether calling again unchanged may succeed: what the client itself would have retried. */
  get retryable(): boolean {
    const { reason } = this;
    if (reason.type === "timeout" || reason.type === "network") return true;
    return reason.type === "http" && RETRY_STATUSES.includes(reason.status);
  }
}
