import * as z from "zod";
import { TOOL_NAMES, type ToolName } from "../tools/names.js";
import { normalizeDomainName } from "../woodpecker/domain-name.js";
import { isLoopback } from "./loopback.js";
import { closest } from "./variable-names.js";

// How each kind of setting is read from its text; environment.ts puts them together. A value
// that could be the API key is never echoed.

/**
 * Keys with fewer letters and digits are refused: a key this short could not be told apart from
 * ordinary text (the scrubber reads a key by its letters and digits).
 */
const MIN_KEY_LENGTH = 8;
/** Woodpecker's keys are far shorter; a longer value is not a key, and would cost every call. */
export const MAX_KEY_LENGTH = 512;
const MIN_TOKEN_LENGTH = 16;

export const blankAsUnset = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/**
 * For a variable that turns a safety switch on: empty is unset (MCP Bundle hosts send "" for a
 * setting left blank), but white space or separators alone mean somebody meant to set it.
 */
export const safetySwitch = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, ctx) => {
    if (typeof value === "string" && value !== "" && /^[\s,]*$/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message:
          "holds only white space or commas; set it to a value, or remove it to leave it unset",
      });
      return z.NEVER;
    }
    return value === "" ? undefined : value;
  }, schema);

export const wholeNumber = (
  fallback: number,
  min: number,
  max: number,
  unit: string,
  whyMax = "",
) =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number of ${unit} from ${min} to ${max}`)
      .transform(Number)
      .pipe(
        z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}${whyMax}`),
      )
      .default(fallback),
  );

export const booleanValue = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["true", "false", "1", "0"], "must be true, false, 1 or 0"))
  .transform((value) => value === "true" || value === "1")
  .default(false);
export const flag = z.preprocess(blankAsUnset, booleanValue);

const commaList = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

export const apiKey = z
  .string()
  .refine((key) => !/[\s\p{Cc}\p{Cf}]/u.test(key), {
    message:
      "contains white space or an invisible character (a line break pasted with it?); set it to the key alone",
  })
  .refine((key) => /^[\x21-\x7e]*$/.test(key), {
    message:
      "contains a character outside printable ASCII (a quote or dash changed by a word processor?); set it to the key exactly as Woodpecker shows it",
  })
  .refine((key) => key.replace(/[^A-Za-z0-9]/g, "").length >= MIN_KEY_LENGTH, {
    message: `has fewer than ${MIN_KEY_LENGTH} letters and digits, too short to be a Woodpecker API key`,
  })
  .refine((key) => key.length <= MAX_KEY_LENGTH, {
    message: `is longer than ${MAX_KEY_LENGTH} characters, far longer than a Woodpecker API key; set it to the key alone`,
  });

/** Whether a key (from the environment, or a request's X-Woodpecker-Api-Key) may be one. */
export function isValidApiKey(key: string): boolean {
  return apiKey.safeParse(key).success;
}

export const baseUrl = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  const problem = baseUrlProblem(value);
  if (problem === undefined) return value.replace(/\/+$/, "");
  ctx.addIssue({ code: "custom", message: problem });
  return z.NEVER;
});

function baseUrlProblem(value: string): string | undefined {
  // The URL parser reads a backslash as a slash, so http:\\user@host\path would pass the checks
  // below and then fail every call, echoing the user name.
  if (value.includes("\\")) return "must not contain a backslash (use / in a URL)";
  if (!URL.canParse(value)) return "must be an absolute URL";
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use https://";
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return "must use https://; plain http:// is allowed only to localhost, 127.0.0.0/8 or [::1], so the API key never travels in clear";
  }
  // Checked on the text: the URL parser forgets an empty `?`, `#` or `@`, which would still end
  // up in every request path.
  const authority = /^[a-z]+:\/\/([^/]*)/i.exec(value)?.[1] ?? "";
  if (authority.includes("@"))
    return "must not carry a user name or password (not even an empty one)";
  if (/[?#]/.test(value)) return "must not carry a query or a fragment (not even an empty ? or #)";
  return undefined;
}

export const hostNames = z.string().transform((value, ctx) => {
  const names = new Set<string>();
  commaList(value).forEach((item, index) => {
    const name = item.toLowerCase();
    if (/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(name)) names.add(name);
    else
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} is not a host name (no port, scheme or path: mcp.example.com)`,
      });
  });
  return names;
});

export const origins = z.string().transform((value, ctx) => {
  const allowed = new Set<string>();
  commaList(value).forEach((item, index) => {
    const url = URL.canParse(item) ? new URL(item) : undefined;
    if (
      url !== undefined &&
      /^https?:$/.test(url.protocol) &&
      item.replace(/\/$/, "") === url.origin
    ) {
      allowed.add(url.origin);
    } else {
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} is not an origin (scheme, host and port only: https://chat.example.com)`,
      });
    }
  });
  return allowed;
});

/** The bytes a sealing secret must hold at least. */
const MIN_SECRET_BYTES = 32;

// Never echoed: the secret seals every OAuth token and cookie.
export const sealingSecret = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) ? Buffer.from(value, "base64") : undefined;
  if (bytes !== undefined && bytes.length >= MIN_SECRET_BYTES) return bytes;
  ctx.addIssue({
    code: "custom",
    message: `must be at least ${MIN_SECRET_BYTES} random bytes in base64 (openssl rand -base64 32 makes one)`,
  });
  return z.NEVER;
});

/** The public origin clients reach the server at behind a proxy: https, or http to loopback. */
export const publicUrl = z.string().transform((raw, ctx) => {
  const value = raw.trim().replace(/\/$/, "");
  const url = URL.canParse(value) ? new URL(value) : undefined;
  const secure =
    url?.protocol === "https:" || (url?.protocol === "http:" && isLoopback(url.hostname));
  if (url !== undefined && secure && value === url.origin) return url.origin;
  ctx.addIssue({
    code: "custom",
    message:
      "must be an origin (scheme, host and port only: https://mcp.example.com), https unless on loopback",
  });
  return z.NEVER;
});

// Never echoed: a token is a secret.
export const tokens = z.string().transform((value, ctx) => {
  const list = commaList(value);
  list.forEach((token, index) => {
    if (!/^[\x21-\x7e]+$/.test(token) || token.length < MIN_TOKEN_LENGTH) {
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} must be at least ${MIN_TOKEN_LENGTH} printable characters, with no white space (openssl rand -hex 32 makes one)`,
      });
    }
  });
  return list;
});

export const protectedDomains = z.string().transform((value, ctx) => {
  const names = new Set<string>();
  commaList(value).forEach((item, index) => {
    const check = normalizeDomainName(item);
    if (check.ok) names.add(check.name);
    // The value is not echoed: a key pasted into the wrong variable must not be printed.
    else
      ctx.addIssue({
        code: "custom",
        message: `item ${index + 1} is not a domain name: it ${check.reason}`,
      });
  });
  return names;
});

export const enabledTools = z.string().transform((value, ctx) => {
  const names = commaList(value);
  if (names.length === 0) ctx.addIssue({ code: "custom", message: "names no tool" });
  names.forEach((name, index) => {
    if (isToolName(name)) return;
    const near = closest(name, TOOL_NAMES);
    // Echoed only when it is plainly a misspelled tool name, never anything that could be a key.
    const which = near === undefined ? `item ${index + 1}` : `"${name}" (did you mean ${near}?)`;
    ctx.addIssue({
      code: "custom",
      message: `${which} is not a tool; the tools are ${TOOL_NAMES.join(", ")}`,
    });
  });
  return [...new Set(names.filter(isToolName))];
});

function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
