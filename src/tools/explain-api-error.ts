import { type ErrorKind, type FailureDetails, ToolFailure } from "./result.js";
import type { ToolName } from "./names.js";
import type { ApiError } from "../woodpecker/api-error.js";
import type { ParsedErrorBody } from "../woodpecker/error-body.js";

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

const CREDENTIAL_IN_USE = "MICROSOFT_GRAPH_CREDENTIAL_IN_USE";

/** The subject of a call, as the messages name it. */
export interface CallSubject {
  tool: ToolName;
  /** e.g. `domain piedpiper.com` or `Microsoft credential 22334455` */
  label: string;
}

/** Turns an ApiError into the result's failure: kind by status, Woodpecker's fields, a hint. */
export function explainApiError(error: ApiError, subject: CallSubject): ToolFailure {
  const { reason, attempts } = error;
  const tried = attempts > 1 ? ` after ${attempts} attempts` : "";
  switch (reason.type) {
    case "timeout":
      return new ToolFailure(
        "timeout",
        `Woodpecker did not answer the request to delete ${subject.label} in time${tried}.`,
        "The request may or may not have reached Woodpecker. Calling again is safe: a second delete of something already deleted is refused, not repeated.",
        { attempts },
      );
    case "network":
      return new ToolFailure(
        "network_error",
        `The request to delete ${subject.label} could not reach Woodpecker (${reason.code})${tried}.`,
        "Check the network connection and WOODPECKER_API_BASE_URL, then call again; a repeated delete is refused, not repeated.",
        { attempts, detail: `Network error code: ${reason.code}` },
      );
    case "cancelled":
      return new ToolFailure(
        "cancelled_by_user",
        `The request to delete ${subject.label} was cancelled by the client.`,
        "The call was cancelled while in flight; the deletion may or may not have been received. Check before calling again.",
        { attempts },
      );
    case "http":
      return explainHttpStatus(reason.status, reason, attempts, subject);
    case "unexpected_body":
      return new ToolFailure(
        "unexpected_response",
        `Woodpecker answered the request to delete ${subject.label} with HTTP ${reason.status}, but not with the documented body.`,
        "Do not assume anything was deleted; check in Woodpecker before calling again.",
        { http_status: reason.status, attempts, detail: reason.detail },
      );
  }
}

function explainHttpStatus(
  status: number,
  reason: Extract<ApiError["reason"], { type: "http" }>,
  attempts: number,
  subject: CallSubject,
): ToolFailure {
  const { body } = reason;
  const unreadable422 = status === 422 && !body.recognized;
  const kind = unreadable422
    ? "unexpected_response"
    : (KIND_BY_STATUS[status] ?? "unexpected_response");
  const details: FailureDetails = {
    ...wireFields(body),
    ...(reason.unrecognizedBody === undefined ? {} : { detail: reason.unrecognizedBody }),
    http_status: status,
    attempts,
    ...(reason.retryAfterSeconds === undefined
      ? {}
      : { retry_after_seconds: reason.retryAfterSeconds }),
  };
  const said = body.code ?? body.detail ?? body.title;
  const woodpeckerSaid = said === undefined ? "" : ` Woodpecker said: ${said}.`;
  const summary = `Woodpecker refused to delete ${subject.label} (HTTP ${status}).${woodpeckerSaid}`;
  return new ToolFailure(kind, summary, hintFor(kind, status, body, attempts, subject), details);
}

function wireFields(body: ParsedErrorBody): FailureDetails {
  const { recognized: _recognized, ...fields } = body;
  return fields;
}

function hintFor(
  kind: ErrorKind,
  status: number,
  body: ParsedErrorBody,
  attempts: number,
  subject: CallSubject,
): string {
  const earlierAttempt =
    attempts > 1
      ? " This answer came on a retry, so an earlier attempt of this same call may already have succeeded."
      : "";
  switch (kind) {
    case "validation_error":
      return validationHint(body, subject) + earlierAttempt;
    case "not_found":
      return subject.tool === "delete_microsoft_credential"
        ? `No Microsoft credential with this id exists on the account; it may have been deleted already. Check the id; nothing was deleted.${earlierAttempt}`
        : "Woodpecker found no such resource. Check the domain name and WOODPECKER_API_BASE_URL; nothing was deleted.";
    case "unauthorized":
      return "The API key was rejected. Ask the user to check WOODPECKER_API_KEY (Woodpecker: Marketplace > Integrations > API keys); do not retry until it is fixed.";
    case "bad_request":
      return "Woodpecker rejected the request as malformed. Do not retry unchanged; check the input.";
    case "rate_limited":
      return "Woodpecker is rate limiting this account. Wait (see retry_after_seconds when present), then call again.";
    case "server_error":
      return "Woodpecker had an internal error. Wait a little and call again; a repeated delete is refused, not repeated.";
    case "unavailable":
      return "Woodpecker is temporarily unavailable. Wait a few minutes and call again.";
    default:
      return status >= 200 && status < 400
        ? `Woodpecker answered with an undocumented status (HTTP ${status}). Check in Woodpecker whether ${subject.label} still exists before calling again.`
        : `Woodpecker answered in a way its documentation does not describe (HTTP ${status}). Do not assume anything was deleted; check in Woodpecker before calling again.`;
  }
}

function validationHint(body: ParsedErrorBody, subject: CallSubject): string {
  if (body.code === CREDENTIAL_IN_USE) {
    return "A Microsoft mailbox still uses this credential. Disconnect or delete the mailbox(es) that use it first (deleting their domain also removes them), then call delete_microsoft_credential again.";
  }
  const issues = (body.fields ?? []).map((field) => field.issue.toLowerCase());
  if (issues.some((issue) => issue === "not_found")) {
    return `Woodpecker has no ${subject.label} on this account (lookup ignores case). Check the spelling with the user; nothing was deleted.`;
  }
  if (issues.some((issue) => /ready/.test(issue))) {
    return `${capitalize(subject.label)} is not ready yet (is_ready is false), so it cannot be deleted now. Wait until its setup finishes, then ask the user again.`;
  }
  if (issues.some((issue) => /progress|already|pending|deleting/.test(issue))) {
    return `${capitalize(subject.label)} is already being deleted. Nothing more to do: do not call again.`;
  }
  return "Woodpecker refused the request; see code and fields. Do not retry unchanged.";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
