import type { KyInstance, RetryOptions } from "ky";
import type * as z from "zod";
import type { Logger } from "../logging/logger.js";
import { SecretScrubber } from "../logging/secret.js";
import { USER_AGENT } from "../package-info.js";
import { ApiError, type ApiErrorReason } from "./api-error.js";
import { CallSignal } from "./call-signal.js";
import { describeUnrecognizedBody, parseErrorBody } from "./error-body.js";
import { readBodyCapped } from "./read-body.js";
import { RequestQueue, WOODPECKER_QUEUE_WAIT_MS } from "./request-queue.js";
import {
  CredentialListBody,
  type DomainDetails,
  DomainDetailsBody,
  DomainListBody,
  type DomainSummary,
  type Mailbox,
  MailboxListBody,
  type MicrosoftCredential,
} from "./responses.js";
import {
  BACKOFF_LIMIT_MS,
  callBudgetMs,
  FIRST_BACKOFF_MS,
  parseRetryAfter,
  RETRY_AFTER_CAP_MS,
  RETRY_AFTER_STATUSES,
  RETRY_STATUSES,
} from "./retry.js";
import { sanitize } from "./untrusted-text.js";

const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface WoodpeckerClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxRetries: number;
  /** Requests of this key outstanding at Woodpecker at most; the others wait, in order. */
  maxInFlight: number;
  /** The first wait before a retry (FIRST_BACKOFF_MS); the client tests make it short. */
  firstBackoffMs?: number;
  /** Receives one debug line per attempt (its headers are redacted by the logger). */
  logger?: Logger;
  /** The key's scrubber, where one is held already (each builds tables of the key); else made. */
  scrubber?: SecretScrubber;
  /** Run once, as the first request is made (the stdio server sets its heap's growth then). */
  onFirstRequest?: () => void;
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
  /** Called as each attempt leaves for Woodpecker (for a DELETE: from then on it may happen). */
  onSend?: () => void;
  /** What the caller sent: see SecretScrubber.knowing. */
  callerTexts?: readonly string[];
}

/** A documented success: what it carried, its status, and how many attempts it took. */
export interface Reply<T> {
  data: T;
  status: number;
  attempts: number;
}

type KyModule = typeof import("ky");
type BodyRead<T> = { ok: true; data: T } | { ok: false; detail: string };

/**
 * The Woodpecker REST API v2 calls this server makes, with retries, time limits, one queue per key
 * in front of Woodpecker's own limits, and every failure turned into an ApiError. ky (and with it
 * Node's fetch) is loaded on the first call, not at start-up: listing the tools needs neither.
 */
export class WoodpeckerClient {
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

  async listDomains(options: CallOptions = {}): Promise<Reply<DomainSummary[]>> {
    const reply = await this.#get("domains", DomainListBody, options);
    return { ...reply, data: reply.data.domains };
  }

  getDomain(domainName: string, options: CallOptions = {}): Promise<Reply<DomainDetails>> {
    return this.#get(domainPath(domainName), DomainDetailsBody, options);
  }

  async listDomainMailboxes(
    domainName: string,
    options: CallOptions = {},
  ): Promise<Reply<Mailbox[]>> {
    const reply = await this.#get(`${domainPath(domainName)}/mailboxes`, MailboxListBody, options);
    return { ...reply, data: reply.data.mailboxes };
  }

  async listMicrosoftCredentials(options: CallOptions = {}): Promise<Reply<MicrosoftCredential[]>> {
    const reply = await this.#get(CREDENTIALS_PATH, CredentialListBody, options);
    return { ...reply, data: reply.data.credentials };
  }

  /** 202: the deletion was accepted and runs asynchronously. */
  deleteDomain(domainName: string, options: CallOptions = {}): Promise<Reply<undefined>> {
    return this.#call("delete", domainPath(domainName), 202, discardBody, options);
  }

  /** 202: the deletion of the mailbox was accepted and runs asynchronously. */
  deleteMailbox(
    domainName: string,
    email: string,
    options: CallOptions = {},
  ): Promise<Reply<undefined>> {
    const path = `${domainPath(domainName)}/mailboxes/${encodeURIComponent(email)}`;
    return this.#call("delete", path, 202, discardBody, options);
  }

  /** 204: the credential was deleted. */
  deleteMicrosoftCredential(
    credentialId: number,
    options: CallOptions = {},
  ): Promise<Reply<undefined>> {
    return this.#call("delete", `${CREDENTIALS_PATH}/${credentialId}`, 204, discardBody, options);
  }

  #get<T>(path: string, schema: z.ZodType<T>, options: CallOptions): Promise<Reply<T>> {
    return this.#call(
      "get",
      path,
      200,
      (response, scrubber) => this.#readJson(response, schema, scrubber),
      options,
    );
  }

  async #call<T>(
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
        throw failure(await this.#httpReason(response, scrubber));
      }
      const body = await read(response, scrubber);
      if (call.signal.aborted) throw new Error("aborted while the body was read");
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

  /**
   * Reads a body, a little past the limit, and removes the key from it before cutting it to the
   * limit: a key straddling the limit is read whole, and so removed whole.
   */
  async #readBody(response: Response, maxBytes: number, scrubber: SecretScrubber) {
    const body = await readBodyCapped(
      response,
      maxBytes + scrubber.overshoot,
      this.#options.timeoutMs,
    );
    const { text, cut } = scrubber.cut(body.text, maxBytes);
    return { ...body, text, truncated: body.truncated || cut };
  }

  async #readJson<T>(
    response: Response,
    schema: z.ZodType<T>,
    scrubber: SecretScrubber,
  ): Promise<BodyRead<T>> {
    const body = await this.#readBody(response, MAX_BODY_BYTES, scrubber);
    if (body.failure !== undefined) {
      return { ok: false, detail: `The response body could not be read: ${body.failure}.` };
    }
    if (body.truncated) {
      return { ok: false, detail: `The response body is larger than ${MAX_BODY_BYTES} bytes.` };
    }
    let json: unknown;
    try {
      json = scrubber.parseJson(body.text);
    } catch {
      const contentType = response.headers.get("content-type");
      return { ok: false, detail: describeUnrecognizedBody(body.text, contentType, false) };
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, data: parsed.data };
    const where = parsed.error.issues[0]?.path.join(".") || "the top level";
    return {
      ok: false,
      detail: `The response is JSON but not in the documented shape (at ${where}).`,
    };
  }

  async #reasonFor(
    ky: KyModule,
    error: unknown,
    call: CallSignal,
    scrubber: SecretScrubber,
  ): Promise<ApiErrorReason> {
    if (error instanceof ky.HTTPError) return this.#httpReason(error.response, scrubber);
    if (call.cancelledByCaller) return { type: "cancelled" };
    if (call.pastDeadline) return { type: "timeout", afterMs: this.callBudgetMs };
    if (error instanceof ky.TimeoutError)
      return { type: "timeout", afterMs: this.#options.timeoutMs };
    return { type: "network", code: networkErrorCode(error) };
  }

  async #httpReason(response: Response, scrubber: SecretScrubber): Promise<ApiErrorReason> {
    const body = await this.#readBody(response, MAX_ERROR_BODY_BYTES, scrubber);
    const parsed =
      body.failure === undefined
        ? parseErrorBody(body.text, (text) => scrubber.parseJson(text))
        : { recognized: false };
    const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
    const unrecognizedBody =
      body.failure === undefined
        ? describeUnrecognizedBody(body.text, response.headers.get("content-type"), body.truncated)
        : `The response body could not be read: ${body.failure}.`;
    return {
      type: "http",
      status: response.status,
      body: parsed,
      ...(parsed.recognized ? {} : { unrecognizedBody }),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
}

const CREDENTIALS_PATH = "mailboxes/microsoft/credentials";

/** The domain as one path segment: normalized names need no escaping, but nothing is assumed. */
function domainPath(domainName: string): string {
  return `domains/${encodeURIComponent(domainName)}`;
}

async function discardBody(response: Response): Promise<BodyRead<undefined>> {
  await response.body?.cancel().catch(ignore);
  return { ok: true, data: undefined };
}

function ignore(): void {}

function retryAfterBeyondCap(ky: KyModule, error: Error): boolean {
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
function mayHaveLanded(ky: KyModule, error: Error): boolean {
  if (error instanceof ky.HTTPError) return error.response.status >= 500;
  if (error instanceof ky.TimeoutError) return true;
  return !NEVER_SENT.has(networkErrorCode(error));
}

function describeRetryCause(ky: KyModule, error: Error): string {
  if (error instanceof ky.HTTPError) return `Woodpecker answered HTTP ${error.response.status}`;
  if (error instanceof ky.TimeoutError) return "no answer within the time limit";
  return `network error (${networkErrorCode(error)})`;
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
