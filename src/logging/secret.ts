export const REDACTED = "[redacted]";

// Between two characters of an echoed key: white space, control or format characters, raw or
// JSON-escaped. A key cut apart by any of them is still the key.
const GAP = String.raw`(?:[\p{Cc}\p{Cf}\s]|\\u[0-9a-fA-F]{4}|\\[bfnrt])*`;

/**
 * Removes the API key from text and from every string of a value: whole, JSON-escaped, or with
 * invisible characters slipped between its characters. Scrub before cutting a text short: a cut
 * could otherwise leave part of the key behind.
 */
export class SecretScrubber {
  readonly #pattern: RegExp | undefined;

  constructor(secret: string | undefined) {
    this.#pattern =
      secret === undefined || secret === ""
        ? undefined
        : new RegExp([...secret].map(anyForm).join(GAP), "gu");
  }

  text(text: string): string {
    return this.#pattern === undefined ? text : text.replace(this.#pattern, REDACTED);
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

/** One character of the key as it may appear: itself, or JSON-escaped (`"` as `\"`). */
function anyForm(char: string): string {
  const raw = escapeRegExp(char);
  const escaped = escapeRegExp(JSON.stringify(char).slice(1, -1));
  return raw === escaped ? raw : `(?:${raw}|${escaped})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
