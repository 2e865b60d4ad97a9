export const REDACTED = "[redacted]";

// Between two characters of an echoed key: white space, control or format characters, raw or
// JSON-escaped. A key cut apart by any of them is still the key.
const GAP = String.raw`(?:[\p{Cc}\p{Cf}\s]|\\u[0-9a-fA-F]{4}|\\[bfnrt])*`;
/** A text cut short may end in the first characters of the key: this many or more are removed. */
const PARTIAL_KEY = 4;

/**
 * Removes the API key from text and from every string of a value: whole, JSON-escaped (each
 * character as itself, as `\"`, or as `\uXXXX`), or with invisible characters slipped between its
 * characters. Scrub before cutting a text short, and decode it before scrubbing: a cut could
 * otherwise leave part of the key behind, and an escaped key becomes readable once decoded.
 */
export class SecretScrubber {
  readonly #pattern: RegExp | undefined;
  readonly #partialAtEnd: RegExp | undefined;
  /** How much more than a limit to read, so that a key straddling the limit is read whole. */
  readonly overshoot: number;

  constructor(secret: string | undefined) {
    const chars = secret === undefined ? [] : [...secret].map(anyForm);
    this.#pattern = chars.length === 0 ? undefined : new RegExp(chars.join(GAP), "gu");
    this.#partialAtEnd =
      chars.length <= PARTIAL_KEY ? undefined : new RegExp(`${nestedPrefixes(chars)}$`, "u");
    this.overshoot = chars.length * 16;
  }

  text(text: string): string {
    return this.#pattern === undefined ? text : text.replace(this.#pattern, REDACTED);
  }

  /**
   * Scrubs a text, then cuts it to `maxLength`; when that cut falls inside something that starts
   * like the key, what is left of it goes too. Returns whether anything was cut.
   */
  cut(text: string, maxLength: number): { text: string; cut: boolean } {
    const scrubbed = this.text(text);
    if (scrubbed.length <= maxLength) return { text: scrubbed, cut: false };
    const kept = scrubbed.slice(0, maxLength);
    return {
      text: this.#partialAtEnd === undefined ? kept : kept.replace(this.#partialAtEnd, REDACTED),
      cut: true,
    };
  }

  /** Whether the key is in the text, in any of the forms `text` removes. */
  foundIn(text: string): boolean {
    if (this.#pattern === undefined) return false;
    this.#pattern.lastIndex = 0;
    return this.#pattern.test(text);
  }

  /** A copy of the value with every string scrubbed; the value itself when nothing changed. */
  value<T>(value: T): T {
    if (this.#pattern === undefined) return value;
    return this.#deep(value) as T;
  }

  /** JSON.parse, scrubbing every string once it is decoded: `\u0077…` cannot hide the key. */
  parseJson(text: string): unknown {
    return JSON.parse(text, (_key, value: unknown) =>
      typeof value === "string" ? this.text(value) : value,
    );
  }

  #deep(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.#deep(item));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.#deep(item)]),
      );
    }
    return value;
  }
}

/** One character of the key as it may appear: itself, JSON-escaped (`"` as `\"`), or `\uXXXX`. */
function anyForm(char: string): string {
  const forms = new Set([escapeRegExp(char), escapeRegExp(JSON.stringify(char).slice(1, -1))]);
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xffff) {
    const hex = code.toString(16).padStart(4, "0");
    forms.add(
      `\\\\u${[...hex].map((digit) => (/\d/.test(digit) ? digit : `[${digit}${digit.toUpperCase()}]`)).join("")}`,
    );
  }
  return forms.size === 1 ? [...forms].join("") : `(?:${[...forms].join("|")})`;
}

/** The key's first PARTIAL_KEY characters, then optionally each next one: any such prefix. */
function nestedPrefixes(chars: readonly string[]): string {
  let tail = "";
  for (let index = chars.length - 1; index >= PARTIAL_KEY; index -= 1) {
    tail = `(?:${GAP}${chars[index]}${tail})?`;
  }
  return chars.slice(0, PARTIAL_KEY).join(GAP) + tail;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
