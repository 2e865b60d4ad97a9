// When a failed attempt is tried again, and how long to wait: the one table of retryable
// statuses, and Retry-After as Woodpecker may send it.

export const RETRY_STATUSES: readonly number[] = [429, 500, 502, 503, 504];
/** Statuses whose Retry-After is honoured (ky's afterStatusCodes). */
export const RETRY_AFTER_STATUSES: readonly number[] = [429, 503];
/** A Retry-After longer than this is not waited out: the call fails and reports it instead. */
export const RETRY_AFTER_CAP_MS = 10_000;
export const BACKOFF_LIMIT_MS = 5_000;
/** The first wait before a retry; each next one doubles, up to BACKOFF_LIMIT_MS. */
export const FIRST_BACKOFF_MS = 300;

/**
 * Retry-After as whole seconds from now (fractions rounded up), from delta-seconds or an HTTP
 * date; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  // Date.parse reads bare numbers like "10.5" or "-1" as dates; an HTTP date names a weekday.
  if (!/^[A-Za-z]{3},/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** The longest a call may take: every attempt at its limit plus the longest waits between. */
export function callBudgetMs(timeoutMs: number, maxRetries: number): number {
  return timeoutMs * (maxRetries + 1) + maxRetries * Math.max(RETRY_AFTER_CAP_MS, BACKOFF_LIMIT_MS);
}
