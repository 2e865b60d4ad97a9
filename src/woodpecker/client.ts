import type { KyInstance } from "ky";
import type { Logger } from "../logging/logger.js";
import { USER_AGENT } from "../package-info.js";
import { ApiError, type ApiErrorReason } from "./api-error.js";
import { describeUnrecognizedBody, parseErrorBody, sanitize } from "./error-body.js";
import { readBodyCapped } from "./read-body.js";

const RETRY_STATUSES = [429, 500, 502, 503, 504] as const;
/** A Retry-After longer than this is not waited out: the call fails and reports it instead. */
const RETRY_AFTER_CAP_MS = 10_000;
const BACKOFF_LIMIT_MS = 5_000;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface WoodpeckerClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxRetries: number;
  /** Receives one debug line per attempt (its headers are redacted by the logger). */
  logger?: Logger;
}

export interface RetryNotice {
  /** The attempt about to be made, starting at 2. */
  attempt: number;
  maxAttempts: number;
  reason: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
}

export interface ApiSuccess {
  status: number;
  attempts: number;
}

type KyModule = typeof import("ky");

/**
 * The two DELETE calls, with retries, time limits and error bodies read into ApiError. ky (and
 * with it Node's fetch) is loaded on the first call, not at start-up: listing the tools needs
 * neither.
 */
export class WoodpeckerClient {
  #http: Promise<{ ky: KyModule; instance: KyInstance }> | undefined;
  readonly #options: WoodpeckerClientOptions;

  constructor(options: WoodpeckerClientOptions) {
    this.#options = options;
  }

  #loadHttp(): Promise<{ ky: KyModule; instance: KyInstance }> {
    this.#http ??= import("ky").then((ky) => ({
      ky,
      instance: ky.default.create({
        prefixUrl: `${this.#options.baseUrl}/`,
        headers: {
          "x-api-key": this.#options.apiKey,
          "user-agent": USER_AGENT,
          accept: "application/json",
        },
        timeout: this.#options.timeoutMs,
        redirect: "manual",
        throwHttpErrors: true,
      }),
    }));
    return this.#http;
  }

  /** The longest a call may take: every attempt at its limit plus the longest waits between. */
  get callBudgetMs(): number {
    const { timeoutMs, maxRetries } = this.#options;
    return (
      timeoutMs * (maxRetries + 1) + maxRetries * Math.max(RETRY_AFTER_CAP_MS, BACKOFF_LIMIT_MS)
    );
  }

  deleteDomain(domainName: string, options: CallOptions = {}): Promise<ApiSuccess> {
    return this.#delete(`domains/${encodeURIComponent(domainName)}`, 202, options);
  }

  deleteMicrosoftCredential(credentialId: number, options: CallOptions = {}): Promise<ApiSuccess> {
    return this.#delete(`mailboxes/microsoft/credentials/${credentialId}`, 204, options);
  }

  async #delete(path: string, expectedStatus: number, options: CallOptions): Promise<ApiSuccess> {
    const { ky, instance } = await this.#loadHttp();
    const call = new CallSignal(this.callBudgetMs, options.signal);
    const signal = call.signal;
    const maxAttempts = this.#options.maxRetries + 1;
    let attempts = 0;
    try {
      const response = await instance.delete(path, {
        signal,
        hooks: {
          beforeRequest: [
            (request) => {
              attempts += 1;
              this.#options.logger?.debug(
                {
                  request: {
                    method: request.method,
                    url: request.url,
                    headers: Object.fromEntries(request.headers),
                  },
                  attempt: attempts,
                },
                "woodpecker request",
              );
            },
          ],
        },
        retry: {
          limit: this.#options.maxRetries,
          methods: ["delete"],
          statusCodes: [...RETRY_STATUSES],
          afterStatusCodes: [429, 503],
          maxRetryAfter: RETRY_AFTER_CAP_MS,
          backoffLimit: BACKOFF_LIMIT_MS,
          shouldRetry: ({ error }) => {
            const decision = retryDecision(ky, error, signal);
            if (decision === false) return false;
            options.onRetry?.({
              attempt: attempts + 1,
              maxAttempts,
              reason: describeRetryCause(ky, error),
            });
            if (error instanceof ky.HTTPError) {
              void error.response.body?.cancel().catch(() => undefined);
            }
            return decision;
          },
        },
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status !== expectedStatus) {
        throw new ApiError(
          { type: "http", status: response.status, body: { recognized: false } },
          attempts,
        );
      }
      return { status: response.status, attempts };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(await this.#reasonFor(ky, error, call), attempts);
    } finally {
      call.dispose();
    }
  }

  async #reasonFor(ky: KyModule, error: unknown, call: CallSignal): Promise<ApiErrorReason> {
    if (error instanceof ky.HTTPError) return this.#httpReason(error.response);
    if (call.cancelledByCaller) return { type: "cancelled" };
    if (call.pastDeadline) return { type: "timeout", afterMs: this.callBudgetMs };
    if (error instanceof ky.TimeoutError)
      return { type: "timeout", afterMs: this.#options.timeoutMs };
    return { type: "network", code: networkErrorCode(error) };
  }

  async #httpReason(response: Response): Promise<ApiErrorReason> {
    const body = await readBodyCapped(response, MAX_ERROR_BODY_BYTES, this.#options.timeoutMs);
    const parsed = body.failure === undefined ? parseErrorBody(body.text) : { recognized: false };
    const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
    return {
      type: "http",
      status: response.status,
      body: parsed,
      ...(parsed.recognized
        ? {}
        : {
            unrecognizedBody:
              body.failure === undefined
                ? describeUnrecognizedBody(
                    body.text,
                    response.headers.get("content-type"),
                    body.truncated,
                  )
                : `The response body could not be read: ${body.failure}.`,
          }),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
}

/**
 * Aborts on the caller's signal or at the call's deadline. Built by hand, not with
 * AbortSignal.timeout/any, so that its timer and listener go away as soon as the call ends
 * instead of living on for the whole budget.
 */
class CallSignal {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.#controller.abort(this.#caller?.reason);
  pastDeadline = false;

  constructor(budgetMs: number, caller: AbortSignal | undefined) {
    this.#caller = caller;
    this.#timer = setTimeout(() => {
      this.pastDeadline = true;
      this.#controller.abort(new DOMException("The call exceeded its time budget", "TimeoutError"));
    }, budgetMs);
    if (caller?.aborted) this.#onCallerAbort();
    else caller?.addEventListener("abort", this.#onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get cancelledByCaller(): boolean {
    return this.#caller?.aborted === true;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }
}

/** false: do not retry; true: retry now; undefined: let ky retry, honouring Retry-After. */
function retryDecision(ky: KyModule, error: Error, signal: AbortSignal): boolean | undefined {
  if (signal.aborted) return false;
  if (error instanceof ky.HTTPError) {
    if (!(RETRY_STATUSES as readonly number[]).includes(error.response.status)) return false;
    const retryAfter = parseRetryAfter(error.response.headers.get("retry-after"));
    if (retryAfter !== undefined && retryAfter * 1000 > RETRY_AFTER_CAP_MS) return false;
    return undefined;
  }
  return true;
}

function describeRetryCause(ky: KyModule, error: Error): string {
  if (error instanceof ky.HTTPError) return `Woodpecker answered HTTP ${error.response.status}`;
  if (error instanceof ky.TimeoutError) return "no answer within the time limit";
  return `network error (${networkErrorCode(error)})`;
}

/** Retry-After as whole seconds from now, from either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** The system error code (ECONNRESET, ENOTFOUND, …) from the cause chain, else the last cause. */
function networkErrorCode(error: unknown): string {
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
