import { ApiError, type ApiErrorReason } from "../woodpecker/api-error.js";
import type { ParsedErrorBody } from "../woodpecker/error-body.js";
import {
  type ErrorDetails,
  type ErrorKind,
  type ErrorReason,
  type FailureFields,
  ToolFailure,
} from "../results/failure.js";
import { capitalize } from "./wording.js";

export type HttpFailure = Extract<ApiErrorReason, { type: "http" }>;

/** A tool's own reading of an HTTP failure: what it means, said in words, and what to do. */
export interface Meaning {
  reason?: ErrorReason;
  /** e.g. "a Microsoft mailbox still uses Microsoft credential 22334455" */
  because: string;
  hint: string;
}

export interface Operation {
  /**
   * `delete`: the DELETE itself (it may have reached Woodpecker); `preview`: a read in front of a
   * DELETE (none was sent); `read`: a read-only tool.
   */
  step: "delete" | "preview" | "read";
  /** e.g. "domain piedpiper.com" */
  what: string;
  meaning?: (failure: HttpFailure) => Meaning | undefined;
}

const KIND_BY_STATUS: Readonly<Record<number, ErrorKind>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "unauthorized",
  404: "not_found",
  422: "validation_error",
  429: "rate_limited",
  500: "server_error",
  502: "server_error",
  503: "unavailable",
  504: "server_error",
};

const GENERIC_CAUSE: Partial<Record<ErrorKind, string>> = {
  bad_request: "Woodpecker rejected the request as malformed",
  unauthorized: "the API key was rejected",
  not_found: "Woodpecker found no such resource",
  validation_error: "Woodpecker refused the request as invalid",
  rate_limited: "Woodpecker is rate limiting this account",
  server_error: "Woodpecker had an internal error",
  unavailable: "Woodpecker is temporarily unavailable",
};

/** Awaits a Woodpecker call; if it fails, throws the failure in this server's words. */
export async function explainFailures<T>(
  call: Promise<T>,
  operation: Operation,
  fields: FailureFields = {},
): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw error instanceof ApiError ? apiFailure(error, operation, fields) : error;
  }
}

/** Turns a failed Woodpecker call into the result's failure: kind, reason, words and hint. */
export function apiFailure(
  error: ApiError,
  operation: Operation,
  fields: FailureFields = {},
): ToolFailure {
  const { reason, attempts } = error;
  const tried = attempts > 1 ? `, after ${attempts} attempts` : "";
  const afterAttempts = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  switch (reason.type) {
    case "http":
      return httpFailure(reason, error, operation, fields);
    case "unexpected_body":
      return new ToolFailure(
        "unexpected_response",
        summary(
          operation,
          `Woodpecker's answer was not the documented body (HTTP ${reason.status}${tried})`,
        ),
        unexpectedHint(operation),
        { detail: reason.detail, retryable: false },
        { ...fields, http_status: reason.status, attempts },
      );
    case "timeout":
      return transportFailure("timeout", `Woodpecker did not answer in time${afterAttempts}`);
    case "network":
      return transportFailure(
        "network_error",
        `Woodpecker could not be reached (${reason.code}${tried})`,
      );
    case "cancelled":
      return transportFailure(
        "cancelled",
        operation.step === "delete" && attempts > 0
          ? "the call was cancelled (by the client, or because this server is stopping) after the DELETE was sent, before Woodpecker answered"
          : "the call was cancelled, by the client or because this server is stopping",
      );
  }

  function transportFailure(kind: ErrorKind, cause: string): ToolFailure {
    const hint =
      operation.step === "delete"
        ? `The DELETE may or may not have reached Woodpecker: read ${operation.what} again to see whether it still exists before calling again.`
        : `Nothing was deleted.${kind === "cancelled" ? "" : " Wait a little and call again; if it persists, check the network and WOODPECKER_API_BASE_URL."}`;
    return new ToolFailure(
      kind,
      summary(operation, cause),
      hint,
      { retryable: error.retryable },
      { ...fields, attempts },
    );
  }
}

function httpFailure(
  failure: HttpFailure,
  error: ApiError,
  operation: Operation,
  fields: FailureFields,
): ToolFailure {
  const { status, body } = failure;
  const kind =
    status === 422 && !body.recognized
      ? "unexpected_response"
      : (KIND_BY_STATUS[status] ?? "unexpected_response");
  const meaning = kind === "unexpected_response" ? undefined : operation.meaning?.(failure);
  const tried = error.attempts > 1 ? `, after ${error.attempts} attempts` : "";
  const cause =
    meaning?.because ??
    GENERIC_CAUSE[kind] ??
    "Woodpecker answered in a way its documentation does not describe";
  // This answer came on a retry after an attempt that Woodpecker may have carried out: the
  // DELETE may have happened, whatever this last answer says.
  const mayHaveLanded = operation.step === "delete" && error.earlierMayHaveLanded;
  const earlier = mayHaveLanded
    ? " This answer came on a retry: an earlier attempt of this DELETE may have reached Woodpecker before its answer was lost, so the deletion may already have been carried out."
    : "";
  const message = `${summary(operation, `${cause} (HTTP ${status}${tried})`, meaning !== undefined)}${earlier}${quoted(body)}`;
  const details: ErrorDetails = {
    ...(meaning?.reason === undefined ? {} : { reason: meaning.reason }),
    ...wireFields(body),
    ...(failure.unrecognizedBody === undefined ? {} : { detail: failure.unrecognizedBody }),
    retryable: error.retryable && !mayHaveLanded,
    ...(failure.retryAfterSeconds === undefined
      ? {}
      : { retry_after_seconds: failure.retryAfterSeconds }),
  };
  const hint =
    meaning?.hint ??
    (mayHaveLanded
      ? `Read ${operation.what} again to see whether it is still there before calling again.`
      : genericHint(kind, operation));
  return new ToolFailure(kind, message, hint, details, {
    ...fields,
    http_status: status,
    attempts: error.attempts,
  });
}

/** The message's first sentence: what failed, and why, in this server's words. */
function summary(operation: Operation, cause: string, causeIsTheWhole = false): string {
  if (causeIsTheWhole) {
    const lead = { delete: "Not deleted: ", preview: "Nothing was deleted: ", read: "" }[
      operation.step
    ];
    return `${lead}${lead === "" ? capitalize(cause) : cause}.`;
  }
  switch (operation.step) {
    case "delete":
      return `The request to delete ${operation.what} failed: ${cause}.`;
    case "preview":
      return `Nothing was deleted: reading ${operation.what} before deleting it failed: ${cause}.`;
    case "read":
      return `Reading ${operation.what} failed: ${cause}.`;
  }
}

/** Woodpecker's own words, quoted and labelled as its own: never part of this server's advice. */
function quoted(body: ParsedErrorBody): string {
  const said = body.detail ?? body.code ?? body.title;
  return said === undefined ? "" : ` Woodpecker's message: ${JSON.stringify(said.slice(0, 160))}.`;
}

function wireFields(body: ParsedErrorBody): ErrorDetails {
  const { recognized: _recognized, ...fields } = body;
  return fields;
}

function genericHint(kind: ErrorKind, operation: Operation): string {
  const nothing = operation.step === "delete" ? "" : "Nothing was deleted. ";
  switch (kind) {
    case "unauthorized":
      return `${nothing}The API key was rejected: ask the user to check WOODPECKER_API_KEY. Do not retry until it is fixed.`;
    case "bad_request":
      return `${nothing}Do not retry unchanged.`;
    case "not_found":
      return `${nothing}Check the name or id, and WOODPECKER_API_BASE_URL.`;
    case "validation_error":
      return `${nothing}See code and fields for what Woodpecker refused; do not retry unchanged.`;
    case "rate_limited":
      return `${nothing}Wait (retry_after_seconds says how long, when present), then call again.`;
    case "server_error":
    case "unavailable":
      return `${nothing}Wait a little and call again.`;
    default:
      return unexpectedHint(operation);
  }
}

function unexpectedHint(operation: Operation): string {
  return operation.step === "delete"
    ? `Do not assume anything was or was not deleted: read ${operation.what} again before calling again.`
    : "Nothing was deleted. Check WOODPECKER_API_BASE_URL; if it is right, try again later.";
}
