import { sanitize } from "./untrusted-text.js";
import { parseRetryAfter, RETRY_AFTER_CAP_MS } from "./retry.js";

// What a failed attempt means: whether a retry waits too long, whether the attempt may still
// have been carried out, and how to name its cause.

export type KyModule = typeof import("ky");

export function retryAfterBeyondCap(ky: KyModule, error: Error): boolean {
  if (!(error instanceof ky.HTTPError)) return false;
  const seconds = parseRetryAfter(error.response.headers.get("retry-after"));
  return seconds !== undefined && seconds * 1000 > RETRY_AFTER_CAP_MS;
}

/** Network errors that mean the request never left: the connection was not even made. */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/**
 * Whether a failed attempt may still have been carried out by Woodpecker: it answered 5xx, gave
 * no answer in time, or the connection broke after the request could have arrived. A 429 means
 * Woodpecker dropped it.
 */
export function mayHaveLanded(ky: KyModule, error: Error): boolean {
  if (error instanceof ky.HTTPError) return error.response.status >= 500;
  if (error instanceof ky.TimeoutError) return true;
  return !NEVER_SENT.has(networkErrorCode(error));
}

export function describeRetryCause(ky: KyModule, error: Error): string {
  if (error instanceof ky.HTTPError) return `Woodpecker answered HTTP ${error.response.status}`;
  if (error instanceof ky.TimeoutError) return "no answer within the time limit";
  return `network error (${networkErrorCode(error)})`;
}

/** The system error code (ECONNRESET, ENOTFOUND, …) from the cause chain, else the last cause. */
export function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  let last = "unknown";
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z0-9_]+$/.test(code)) return code;
    last = sanitize(current.message, 80);
    current = current.cause;
  }
  return last;
}
