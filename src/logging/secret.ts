import { type KeyTable, keyTable, longestRunAt, pieceHash, rollHash } from "./key-forms.js";
import { OWN_WORDS } from "./own-words.js";
import { codesAsString, readAsString, readingOf } from "./reading.js";

export const REDACTED = "[redacted]";

const NO_RUN = { longest: 0, whole: false };

/** A text cut short may end in the first characters of the key: this many or more are removed. */
const PARTIAL_AT_CUT = 4;

/**
 * Removes the API key from text and from every string of a value: whole or in part (any eight
 * consecutive characters of it), each character as itself, JSON-escaped (`\"`, `\uXXXX`),
 * percent-escaped or as an HTML entity, in either case, split by separators or with invisible or
 * combining characters slipped between; and the key's hex and base64 forms, whole or in part. The
 * server's own words (OWN_WORDS) stay, whatever the key holds. Scrub before cutting a text short,
 * and decode it before scrubbing: a cut could otherwise leave part of the key behind, and an
 * escaped key becomes readable once decoded.
 */
export class SecretScrubber {
  #table: KeyTable;
  /** What the caller sent, each read as a Reading reads (see `knowing`). */
  #known: readonly string[] = [];

  constructor(secret: string | undefined) {
    this.#table = keyTable(secret);
  }

  /** How much more than a limit to read, so that a key straddling the limit is read whole. */
  get overshoot(): number {
    return this.#table.overshoot;
  }

  /**
   * The same scrubber for one call, leaving alone a part of the key that lies within what the
   * caller sent (its arguments): that part is no news to them, and removing it from their own
   * words echoed back would tell them, guess by guess, what the key holds. The whole key always
   * goes.
   */
  knowing(texts: readonly string[]): SecretScrubber {
    if (this.#table.key === undefined || texts.length === 0) return this;
    const view = new SecretScrubber(undefined);
    view.#table = this.#table;
    view.#known = texts.map(readAsString);
    return view;
  }

  text(text: string): string {
    return this.#redact(text, this.#runs(text));
  }

  /**
   * Scrubs a text, then cuts it to `maxLength`; when that cut falls inside something that starts
   * like the key, what is left of it goes too. Returns whether anything was cut.
   */
  cut(text: string, maxLength: number): { text: string; cut: boolean } {
    const scrubbed = this.text(text);
    if (scrubbed.length <= maxLength) return { text: scrubbed, cut: false };
    const kept = scrubbed.slice(0, maxLength);
    return { text: this.#redact(kept, this.#startAtEnd(kept)), cut: true };
  }

  /** Whether the key, whole or in part, is in the text, in any of the forms `text` removes. */
  foundIn(text: string): boolean {
    return this.#runs(text).length > 0;
  }

  /** A copy of the value with every string scrubbed; the value itself when nothing changed. */
  value<T>(value: T): T {
    if (this.#table.key === undefined) return value;
    return this.#deep(value) as T;
  }

  /** JSON.parse, scrubbing every string once it is decoded: `\u0077…` cannot hide the key. */
  parseJson(text: string): unknown {
    // A reviver makes JSON.parse several times slower. The text read as a whole decodes JSON's
    // escapes as parsing does, so when it holds no piece of the key, no string in it does, unless
    // a string is escaped once more (`\\u0077`), which only the reviver decodes.
    if (!text.includes("\\\\") && !this.foundIn(text)) return JSON.parse(text);
    return JSON.parse(text, (_key, value: unknown) =>
      typeof value === "string" ? this.text(value) : value,
    );
  }

  /** Where runs of the key stand in the text: ranges of it, in order, not overlapping. */
  #runs(text: string): [number, number][] {
    const table = this.#table;
    const { piece } = table;
    if (table.key === undefined || text.length < piece) return [];
    const { codes, from, to, length: read } = readingOf(text);
    const ranges: [number, number][] = [];
    let at = 0;
    let hash = read >= piece ? pieceHash(codes, 0, piece) : 0;
    while (at + piece <= read) {
      // Most places hold no piece of any form: a look at one byte says so, with no call.
      const { longest, whole } =
        table.maybe[hash & 0xffff] === 1 ? longestRunAt(table, hash, codes, at, read) : NO_RUN;
      const kept =
        longest > 0 &&
        !whole &&
        (ownWordsCover(codes, read, { at, length: longest, part: piece }) ||
          this.#sentByCaller(codes, at, longest));
      if (longest > 0 && !kept) {
        ranges.push([from[at] ?? 0, to[at + longest - 1] ?? text.length]);
        at += longest;
        if (at + piece <= read) hash = pieceHash(codes, at, piece);
      } else {
        hash = rollHash(table, hash, codes[at] ?? 0, codes[at + piece] ?? 0);
        at += 1;
      }
    }
    return ranges;
  }

  /**
   * Whether a run of the key, short of a whole form of it, is what the caller sent, but for fewer
   * than a part's characters around it (a neighbour of their words may happen to continue the
   * key, once separators are read through).
   */
  #sentByCaller(codes: Int32Array, at: number, length: number): boolean {
    if (this.#known.length === 0) return false;
    const run = codesAsString(codes, at, at + length);
    const slack = this.#table.piece - 1;
    for (let around = 0; around <= Math.min(slack, length - 1); around += 1) {
      for (let start = 0; start <= around; start += 1) {
        const sent = run.slice(start, length - (around - start));
        if (this.#known.some((known) => known.includes(sent))) return true;
      }
    }
    return false;
  }

  /** The text's end, when it holds the first PARTIAL_AT_CUT or more characters of the key. */
  #startAtEnd(text: string): [number, number][] {
    const { key } = this.#table;
    if (key === undefined) return [];
    const { codes, from, length: read } = readingOf(text);
    for (let length = Math.min(key.length, read); length >= PARTIAL_AT_CUT; length -= 1) {
      const tail = read - length;
      if (key.slice(0, length).every((code, index) => codes[tail + index] === code)) {
        return [[from[tail] ?? 0, text.length]];
      }
    }
    return [];
  }

  #redact(text: string, ranges: readonly [number, number][]): string {
    if (ranges.length === 0) return text;
    let out = "";
    let kept = 0;
    for (const [start, end] of ranges) {
      out += `${text.slice(kept, start)}${REDACTED}`;
      kept = end;
    }
    return out + text.slice(kept);
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

/** Several secrets at once: the server's key, the keys requests carry, the bearer tokens. */
export class SecretSet {
  readonly #scrubbers = new Map<string, SecretScrubber>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) if (secret !== undefined) this.add(secret);
  }

  /** Holds a secret, and gives its scrubber: one per secret, for whoever else scrubs it too. */
  add(secret: string): SecretScrubber {
    let scrubber = this.#scrubbers.get(secret);
    if (scrubber === undefined) {
      scrubber = new SecretScrubber(secret);
      this.#scrubbers.set(secret, scrubber);
    }
    return scrubber;
  }

  delete(secret: string): void {
    this.#scrubbers.delete(secret);
  }

  text(text: string): string {
    let scrubbed = text;
    for (const scrubber of this.#scrubbers.values()) scrubbed = scrubber.text(scrubbed);
    return scrubbed;
  }
}

/**
 * Whether the server's own words, written out in the text around a run, cover all of it but fewer
 * than a part's characters: "Woodpecker accepted" reads as `woodpeckeraccepted`, and a key that
 * holds `woodpecker-api` continues the word by one letter.
 */
function ownWordsCover(
  codes: Int32Array,
  read: number,
  run: { at: number; length: number; part: number },
): boolean {
  const { at, length, part } = run;
  const start = Math.max(0, at - LONGEST_OWN_WORD);
  const around = codesAsString(codes, start, Math.min(read, at + length + LONGEST_OWN_WORD));
  const covered = new Uint8Array(length);
  for (const word of OWN_WORDS) {
    for (let index = around.indexOf(word); index !== -1; index = around.indexOf(word, index + 1)) {
      const from = Math.max(start + index, at);
      const to = Math.min(start + index + word.length, at + length);
      covered.fill(1, from - at, Math.max(from, to) - at);
    }
  }
  return length - covered.reduce((sum, one) => sum + one, 0) < part;
}

const LONGEST_OWN_WORD = Math.max(...OWN_WORDS.map((word) => word.length));
