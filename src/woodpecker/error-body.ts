import * as z from "zod";
import { sanitize } from "./untrusted-text.js";

/** One entry of a `validation_error` body's `fields`, as Woodpecker sent it. */
export interface FieldIssue {
  field: string;
  issue: string;
  value?: string | null;
}

/** What could be read out of an error response body, in the result's own field names. */
export interface ParsedErrorBody {
  /** False when the body was not one of the JSON shapes the API pages describe. */
  recognized: boolean;
  code?: string;
  title?: string;
  detail?: string;
  timestamp?: string;
  request_id?: string;
  fields?: FieldIssue[];
}

const MAX_TEXT = 300;
const MAX_FIELDS = 20;
const EXCERPT_LENGTH = 160;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{2,99}$/;

const text = z.string().transform((value) => sanitize(value, MAX_TEXT));
const optionalText = text.optional().catch(undefined);

// The credential page's problem body (`detail`, "YYYY-MM-DD HH:MM:SS"), the domain page's
// (`details`, ISO 8601), `{"message": "MICROSOFT_GRAPH_CREDENTIAL_IN_USE"}` and the domain page's
// `validation_error` object all fit this one loose schema.
const ErrorBodySchema = z.object({
  title: optionalText,
  detail: optionalText,
  details: optionalText,
  message: optionalText,
  code: optionalText,
  timestamp: optionalText,
  request_id: optionalText,
  fields: z
    .array(
      z.object({
        field: text,
        issue: text,
        value: z.union([text, z.null()]).optional(),
      }),
    )
    .transform((fields) => fields.slice(0, MAX_FIELDS))
    .optional()
    .catch(undefined),
});

/** Reads an error body; `decode` parses JSON (the client's scrubs every string it decodes). */
export function parseErrorBody(
  body: string,
  decode: (text: string) => unknown = JSON.parse,
): ParsedErrorBody {
  const json = parseJson(body, decode);
  const parsed = ErrorBodySchema.safeParse(json);
  if (json === undefined || !parsed.success) return { recognized: false };
  const { title, detail, details, message, code, timestamp, request_id, fields } = parsed.data;
  const messageIsCode = code === undefined && message !== undefined && ERROR_CODE.test(message);
  const result: ParsedErrorBody = {
    recognized: [title, detail, details, message, code, fields].some(
      (value) => value !== undefined,
    ),
  };
  const resolvedCode = code ?? (messageIsCode ? message : undefined);
  const resolvedDetail = detail ?? details ?? (messageIsCode ? undefined : message);
  if (resolvedCode !== undefined) result.code = resolvedCode;
  if (title !== undefined) result.title = title;
  if (resolvedDetail !== undefined) result.detail = resolvedDetail;
  if (timestamp !== undefined) result.timestamp = timestamp;
  if (request_id !== undefined) result.request_id = request_id;
  if (fields !== undefined) {
    result.fields = fields.map(({ field, issue, value }) =>
      value === undefined ? { field, issue } : { field, issue, value },
    );
  }
  return result;
}

/** A short, labelled, sanitized excerpt of a body that was not what the pages describe. */
export function describeUnrecognizedBody(
  body: string,
  contentType: string | null,
  truncated: boolean,
): string {
  if (body.trim() === "") return "The response body was empty.";
  const kind = contentType?.split(";")[0]?.trim() || "unknown content type";
  const size = truncated ? `over ${body.length} characters` : `${body.length} characters`;
  return `Unrecognized response body (${kind}, ${size}); untrusted excerpt: "${sanitize(body, EXCERPT_LENGTH)}"`;
}

function parseJson(body: string, decode: (text: string) => unknown): unknown {
  try {
    const value: unknown = decode(body);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
