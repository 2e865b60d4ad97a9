import type * as z from "zod";
import type { SecretScrubber } from "../logging/secret.js";
import type { ApiErrorReason } from "./api-error.js";
import { describeUnrecognizedBody, parseErrorBody } from "./error-body.js";
import { type BodyText, readBodyCapped } from "./read-body.js";
import { parseRetryAfter } from "./retry.js";

// Reading Woodpecker's answers: a documented JSON body into its schema, an error body into what
// a result can say of it, each within a size and the attempt's time, the key taken out.

const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export type BodyRead<T> = { ok: true; data: T } | { ok: false; detail: string };

/** A documented JSON body, read into `schema`; any other body is described, never trusted. */
export async function readJson<T>(
  response: Response,
  schema: z.ZodType<T>,
  scrubber: SecretScrubber,
  timeoutMs: number,
): Promise<BodyRead<T>> {
  const body = await readBodyCapped(response, MAX_BODY_BYTES, timeoutMs);
  if (body.failure !== undefined) {
    return { ok: false, detail: `The response body could not be read: ${body.failure}.` };
  }
  if (body.truncated) {
    return { ok: false, detail: `The response body is larger than ${MAX_BODY_BYTES} bytes.` };
  }
  // Parsed first, then each string scrubbed: scrubbing the text as a whole could take a part of
  // the key out of a field's name (secret_expires_at), and the field would read as absent.
  let json: unknown;
  try {
    json = scrubber.parseJson(body.text);
  } catch {
    const contentType = response.headers.get("content-type");
    return {
      ok: false,
      detail: describeUnrecognizedBody(scrubber.text(body.text), contentType, false),
    };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  const where = parsed.error.issues[0]?.path.join(".") || "the top level";
  return {
    ok: false,
    detail: `The response is JSON but not in the documented shape (at ${where}).`,
  };
}

/** What an answer other than the one expected says: its status, body and Retry-After. */
export async function readFailure(
  response: Response,
  scrubber: SecretScrubber,
  timeoutMs: number,
): Promise<ApiErrorReason> {
  // A little past the limit: a key straddling it is read whole, and so removed whole.
  const body = await readBodyCapped(response, MAX_ERROR_BODY_BYTES + scrubber.overshoot, timeoutMs);
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  const whole = body.failure === undefined && body.text.length <= MAX_ERROR_BODY_BYTES;
  const parsed = whole
    ? parseErrorBody(body.text, (text) => scrubber.parseJson(text))
    : { recognized: false };
  return {
    type: "http",
    status: response.status,
    body: parsed,
    ...(parsed.recognized ? {} : { unrecognizedBody: unrecognized(body, response, scrubber) }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

/** A short excerpt of a body that is not one of the documented shapes, the key taken out first. */
function unrecognized(body: BodyText, response: Response, scrubber: SecretScrubber): string {
  if (body.failure !== undefined) return `The response body could not be read: ${body.failure}.`;
  const { text, cut } = scrubber.cut(body.text, MAX_ERROR_BODY_BYTES);
  return describeUnrecognizedBody(
    text,
    response.headers.get("content-type"),
    body.truncated || cut,
  );
}

/** A body this server does not read (a DELETE's): let go of it. */
export async function discardBody(response: Response): Promise<BodyRead<undefined>> {
  await response.body?.cancel().catch(ignore);
  return { ok: true, data: undefined };
}

export function ignore(): void {}
