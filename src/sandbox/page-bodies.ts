import { randomUUID } from "node:crypto";

// The error bodies exactly as the two API pages print them: the credential page's problem body
// has `detail` and a "YYYY-MM-DD HH:MM:SS" UTC timestamp, the domain page's has `details` and an
// ISO 8601 timestamp.

const TITLES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function credentialProblem(status: number, detail: string, now = new Date()) {
  return {
    title: TITLES[status] ?? "Error",
    status,
    detail,
    timestamp: now.toISOString().slice(0, 19).replace("T", " "),
  };
}

export function domainProblem(status: number, details: string, now = new Date()) {
  return {
    title: TITLES[status] ?? "Error",
    status,
    details,
    timestamp: `${now.toISOString().slice(0, 19)}Z`,
  };
}

export function credentialInUse() {
  return { message: "MICROSOFT_GRAPH_CREDENTIAL_IN_USE" };
}

export function domainValidationError(issue: string, value: string | null) {
  return {
    type: "validation_error",
    message: "Invalid field(s)",
    code: "invalid_fields",
    request_id: randomUUID(),
    fields: [{ field: "domain_name", issue, value }],
  };
}

/** A mailbox DELETE's refusal, in the domain page's `validation_error` shape. */
export function mailboxValidationError(issue: string, value: string | null) {
  return {
    type: "validation_error",
    message: "Invalid field(s)",
    code: "invalid_fields",
    request_id: randomUUID(),
    fields: [{ field: "mailbox_email", issue, value }],
  };
}
