import type { ParsedErrorBody } from "./error-body.js";

/** Why a Woodpecker call did not end in its documented success status. */
export type ApiErrorReason =
  | {
      type: "http";
      status: number;
      body: ParsedErrorBody;
      /** Set when the body was not a documented shape: a labelled, sanitized excerpt. */
      unrecognizedBody?: string;
      retryAfterSeconds?: number;
    }
  | { type: "timeout"; afterMs: number }
  | { type: "network"; code: string }
  | { type: "cancelled" };

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly reason: ApiErrorReason,
    readonly attempts: number,
  ) {
    super(
      `Woodpecker call failed: ${reason.type}${reason.type === "http" ? ` ${reason.status}` : ""}`,
    );
  }
}
