import type { KyInstance, RetryOptions } from "ky";
import { SecretScrubber } from "../logging/secret.js";
import { USER_AGENT } from "../package-info.js";
import { ApiError, type ApiErrorReason } from "./api-error.js";
import {
  describeRetryCause,
  type KyModule,
  mayHaveLanded,
  networkErrorCode,
  retryAfterBeyondCap,
} from "./attempt-failures.js";
import { type BodyRead, ignore, readFailure } from "./bodies.js";
import type { CallOptions, Reply, WoodpeckerClientOptions } from "./call-types.js";
import { CallSignal } from "./call-signal.js";
import { RequestQueue, WOODPECKER_QUEUE_WAIT_MS } from "./request-queue.js";
import {
  BACKOFF_LIMIT_MS,
  callBudgetMs,
  FIRST_BACKOFF_MS,
  RETRY_AFTER_CAP_MS,
  RETRY_AFTER_STATUSES,
  RETRY_STATUSES,
} from "./retry.js";

/**
 * How a request reaches Woodpecker: ky (and with it Node's fetch, loaded on the first request,
 * not at start-up: listing the tools needs neither), retries, time limits, one queue per key in
 * front of Woodpecker's own limits, and every failure turned into an ApiError.
 */
export class WoodpeckerTransport {
  #http: Promise<{ ky: KyModule; instance: KyInstance }> | undefined;
  readonly #options: WoodpeckerClientOptions;
  readonly #scrubber: SecretScrubber;
  readonly #queue: RequestQueue;

  constructor(options: WoodpeckerClientOptions) {
    this.#options = options;
    this.#scrubber = options.scrubber ?? new SecretScrubber(options.apiKey);
    this.#queue = new RequestQueue(options.maxInFlight);
  }

  /** Requests sent to Woodpecker and not answered yet. */
  get outstanding(): number {
    return this.#queue.outstanding;
  }

  get callBudgetMs(): number {
    return callBudgetMs(this.#options.timeoutMs, this.#options.maxRetries);
  }

  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  /** One call: its attempts, until `expectedStatus` is answered and `read` reads the body. */
  async request<T>(
    method: "get" | "delete",
    path: string,
    expectedStatus: number,
    read: (response: Response, scrubber: SecretScrubber) => Promise<BodyRead<T>>,
    options: CallOptions,
  ): Promise<Reply<T>> {
    const { ky, instance } = await this.#loadHttp();
    const scrubber = this.#scrubber.knowing(options.callerTexts ?? []);
    const call = new CallSignal(this.callBudgetMs, options.signal);
    const maxAttempts = this.#options.maxRetries + 1;
    let attempts = 0;
    let earlierMayHaveLanded = false;
    let release: (() => void) | undefined;
    const settle = () => {
      release?.();
      release = undefined;
    };
    const failure = (reason: ApiErrorReason) =>
      new ApiError(reason, attempts, { earlierMayHaveLanded });
    try {
      const response = await instance(path, {
        method,
        signal: call.signal,
        retry: this.#retryOptions(ky, call.signal),
        fetch: (input, init) => {
          const place = release ?? (() => undefined);
          release = undefined;
          return this.#fetchInPlace(input, init, place);
        },
        hooks: {
          beforeRequest: [
            // Before ky starts the attempt's time limit: waiting here counts only against the
            // call's budget, which CallSignal enforces.
            async (request, _options, { retryCount }) => {
              release = await this.#queue.acquire(call.signal);
              attempts = retryCount + 1;
              this.#logAttempt(request, attempts);
              options.onSend?.();
            },
          ],
          beforeRetry: [
            ({ error, retryCount }) => {
              if (error instanceof ky.HTTPError) void error.response.body?.cancel().catch(ignore);
              if (mayHaveLanded(ky, error)) earlierMayHaveLanded = true;
              const reason = describeRetryCause(ky, error);
              options.onRetry?.({ attempt: retryCount + 1, maxAttempts, reason });
            },
          ],
        },
      });
      if (response.status !== expectedStatus) {
        throw failure(await readFailure(response, scrubber, this.#options.timeoutMs));
      }
      const body = await read(response, scrubber);
      // A body read whole stands however late a cancel came (a DELETE's 202 is its outcome); only
      // a body the cancel cut short is the cancel's.
      if (!body.ok && call.signal.aborted) throw new Error("aborted while the body was read");
      if (!body.ok) {
        throw failure({ type: "unexpected_body", status: response.status, detail: body.detail });
      }
      return { data: body.data, status: response.status, attempts };
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw failure(await this.#reasonFor(ky, error, call, scrubber));
    } finally {
      settle();
      call.dispose();
    }
  }

  /**
   * One attempt, owning its place in the queue from the moment it is sent: given back as soon as
   * Woodpecker answered or the connection broke. An attempt this server gives up on (its time
   * limit, a cancel) may still be waiting in Woodpecker's own queue, so its place stays taken
   * until Woodpecker would have dropped it.
   */
  async #fetchInPlace(
    input: Request | URL | string,
    init: RequestInit | undefined,
    place: () => void,
  ): Promise<Response> {
    const sentAt = performance.now();
    // ky hands fetch a Request that carries the attempt's signal.
    const signal = input instanceof Request ? input.signal : (init?.signal ?? undefined);
    let ended = false;
    const end = (givenUp: boolean) => {
      if (ended) return;
      ended = true;
      signal?.removeEventListener("abort", onAbort);
      const heldFor = WOODPECKER_QUEUE_WAIT_MS - (performance.now() - sentAt);
      if (givenUp && heldFor > 0) setTimeout(place, heldFor).unref();
      else place();
    };
    const onAbort = () => end(true);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const response = await globalThis.fetch(input, init);
      end(false);
      return response;
    } catch (error) {
      end(signal?.aborted === true);
      throw error;
    }
  }

  #loadHttp(): Promise<{ ky: KyModule; instance: KyInstance }> {
    this.#http ??= import("ky").then((ky) => {
      this.#options.onFirstRequest?.();
      return {
        ky,
        instance: ky.default.create({
          prefixUrl: `${this.#options.baseUrl}/`,
          headers: {
            "x-api-key": this.#options.apiKey,
            "user-agent": USER_AGENT,
            accept: "application/json",
          },
          timeout: this.#options.timeoutMs,
          // A redirect would carry the key to wherever it points.
          redirect: "manual",
          throwHttpErrors: true,
        }),
      };
    });
    return this.#http;
  }

  #retryOptions(ky: KyModule, signal: AbortSignal): RetryOptions {
    return {
      limit: this.#options.maxRetries,
      methods: ["get", "delete"],
      statusCodes: [...RETRY_STATUSES],
      afterStatusCodes: [...RETRY_AFTER_STATUSES],
      maxRetryAfter: RETRY_AFTER_CAP_MS,
      backoffLimit: BACKOFF_LIMIT_MS,
      delay: (attempt) => (this.#options.firstBackoffMs ?? FIRST_BACKOFF_MS) * 2 ** (attempt - 1),
      retryOnTimeout: true,
      // ky waits out a long Retry-After up to its cap; this server reports it instead.
      shouldRetry: ({ error }) =>
        signal.aborted || retryAfterBeyondCap(ky, error) ? false : undefined,
    };
  }

  #logAttempt(request: Request, attempt: number): void {
    this.#options.logger?.debug(
      {
        request: {
          method: request.method,
          url: request.url,
          headers: Object.fromEntries(request.headers),
        },
        attempt,
      },
      "woodpecker request",
    );
  }

  async #reasonFor(
    ky: KyModule,
    error: unknown,
    call: CallSignal,
    scrubber: SecretScrubber,
  ): Promise<ApiErrorReason> {
    if (error instanceof ky.HTTPError) {
      return readFailure(error.response, scrubber, this.#options.timeoutMs);
    }
    if (call.cancelledByCaller) return { type: "cancelled" };
    if (call.pastDeadline) return { type: "timeout", afterMs: this.callBudgetMs };
    if (error instanceof ky.TimeoutError)
      return { type: "timeout", afterMs: this.#options.timeoutMs };
    return { type: "network", code: networkErrorCode(error) };
  }
}
