export const REDACTED = "[redacted]";

/** This many consecutive characters of the key, or more, are the key in part: they go. */
const PART_OF_KEY = 6;
/** A text cut short may end in the first characters of the key: this many or more are removed. */
const PARTIAL_AT_CUT = 4;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};
const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/" };

/**
 * A text read the way a person (or a model) would read an echoed key out of it: JSON escapes and
 * HTML entities decoded, white space, control, format and combining characters dropped, letters
 * in one case. `from[i]` and `to[i]` say where character `i` came from in the original text. Its
 * arrays are lent from one scratch buffer (scrubbing runs on every result and log line): they
 * hold until the next Reading is made.
 */
interface Reading {
  codes: Int32Array;
  from: Int32Array;
  to: Int32Array;
  /** How many characters were read: the arrays are longer. */
  length: number;
}

/**
 * Removes the API key from text and from every string of a value: whole or in part (any six
 * consecutive characters of it), each character as itself, JSON-escaped (`\"`, `\uXXXX`) or as an
 * HTML entity, in either case, with invisible or combining characters slipped between. Scrub
 * before cutting a text short, and decode it before scrubbing: a cut could otherwise leave part of
 * the key behind, and an escaped key becomes readable once decoded.
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
    const { key, pieces, maybe } = this.#table;
    if (key === undefined || text.length < PART_OF_KEY) return [];
    const { codes, from, to, length: read } = readingOf(text);
    const ranges: [number, number][] = [];
    let at = 0;
    let hash = read >= PART_OF_KEY ? pieceHash(codes, 0) : 0;
    while (at + PART_OF_KEY <= read) {
      let longest = 0;
      const starts = maybe[hash & 0xffff] === 1 ? pieces.get(hash) : undefined;
      if (starts !== undefined) {
        for (const start of starts) {
          let length = 0;
          const most = Math.min(key.length - start, read - at);
          while (length < most && codes[at + length] === key[start + length]) {
            length += 1;
          }
          if (length >= PART_OF_KEY) longest = Math.max(longest, length);
        }
      }
      if (longest > 0) {
        if (!this.#sentByCaller(codes, at, longest, key.length)) {
          ranges.push([from[at] ?? 0, to[at + longest - 1] ?? text.length]);
        }
        at += longest;
        if (at + PART_OF_KEY <= read) hash = pieceHash(codes, at);
      } else {
        hash = rollHash(hash, codes[at] ?? 0, codes[at + PART_OF_KEY] ?? 0);
        at += 1;
      }
    }
    return ranges;
  }

  /** Whether a run of the key, short of the whole key, lies within what the caller sent. */
  #sentByCaller(codes: Int32Array, at: number, length: number, keyLength: number): boolean {
    if (this.#known.length === 0 || length >= keyLength) return false;
    const run = codesAsString(codes, at, at + length);
    return this.#known.some((known) => known.includes(run));
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

/** What a scrubber knows of its key, made once per key and shared by every call's view. */
interface KeyTable {
  /** The key as a Reading holds it; undefined without a key. */
  key: Int32Array | undefined;
  /** Where each run of PART_OF_KEY characters stands in the key, by the run's hash. */
  pieces: Map<number, number[]>;
  /** Whether a hash's low 16 bits may be a piece's: a cheap look before the map. */
  maybe: Uint8Array;
  overshoot: number;
}

const NO_KEY: KeyTable = {
  key: undefined,
  pieces: new Map(),
  maybe: new Uint8Array(0),
  overshoot: 0,
};

function keyTable(secret: string | undefined): KeyTable {
  if (secret === undefined || secret === "") return NO_KEY;
  const read = readingOf(secret);
  // A copy: a Reading lends its arrays only until the next one is made.
  const key = read.codes.slice(0, read.length);
  const table: KeyTable = {
    key,
    pieces: new Map(),
    maybe: new Uint8Array(0x10000),
    overshoot: secret.length * 16,
  };
  for (let start = 0; start + PART_OF_KEY <= key.length; start += 1) {
    const hash = pieceHash(key, start);
    table.pieces.set(hash, [...(table.pieces.get(hash) ?? []), start]);
    table.maybe[hash & 0xffff] = 1;
  }
  return table;
}

/** A text as a Reading reads it, as a string: what a run of the key is compared with. */
function readAsString(text: string): string {
  const { codes, length } = readingOf(text);
  return codesAsString(codes, 0, length);
}

function codesAsString(codes: Int32Array, start: number, end: number): string {
  let text = "";
  for (let at = start; at < end; at += 1) text += String.fromCodePoint(codes[at] ?? 0);
  return text;
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

const INVISIBLE = /^[\p{Cc}\p{Cf}\p{M}\s]$/u;
const BACKSLASH = 0x5c;
const AMPERSAND = 0x26;

/** The arrays every Reading lends: one set, grown as needed. */
let scratch = {
  codes: new Int32Array(4_096),
  from: new Int32Array(4_096),
  to: new Int32Array(4_096),
};

/** Reads a text as a Reading: see there. Most characters are plain ASCII, and go straight in. */
function readingOf(text: string): Reading {
  if (scratch.codes.length < text.length) {
    const size = text.length * 2;
    scratch = { codes: new Int32Array(size), from: new Int32Array(size), to: new Int32Array(size) };
  }
  const { codes, from, to } = scratch;
  let length = 0;
  for (let at = 0; at < text.length;) {
    const code = text.charCodeAt(at);
    if (code < 0x80 && code !== BACKSLASH && code !== AMPERSAND) {
      // Printable ASCII is read as itself, in one case; white space and controls are dropped.
      if (code > 0x20 && code !== 0x7f) {
        codes[length] = lower(code);
        from[length] = at;
        to[length] = at + 1;
        length += 1;
      }
      at += 1;
      continue;
    }
    const decoded =
      code === BACKSLASH
        ? jsonEscapeAt(text, at)
        : code === AMPERSAND
          ? entityAt(text, at)
          : undefined;
    const width = decoded?.length ?? ((text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);
    const char = decoded?.char ?? text.slice(at, at + width);
    const point = char.codePointAt(0) ?? 0;
    const invisible = point < 0x80 ? point <= 0x20 || point === 0x7f : INVISIBLE.test(char);
    if (!invisible) {
      codes[length] = point < 0x80 ? lower(point) : point;
      from[length] = at;
      to[length] = at + width;
      length += 1;
    }
    at += width;
  }
  return { codes, from, to, length };
}

function lower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}

/** A JSON escape at `at`: `\uXXXX`, `\"`, `\\`, `\/`, or a control (`\n`…, read as white space). */
function jsonEscapeAt(text: string, at: number): { char: string; length: number } | undefined {
  const escape = /^\\(?:u([0-9a-fA-F]{4})|([bfnrt])|(["\\/]))/.exec(text.slice(at, at + 6));
  if (escape === null) return undefined;
  const [whole, hex, control, plain] = escape;
  const char =
    hex !== undefined
      ? String.fromCharCode(Number.parseInt(hex, 16))
      : control !== undefined
        ? "\n"
        : (JSON_ESCAPES[plain ?? ""] ?? "");
  return { char, length: whole.length };
}

/** An HTML entity at `at`: `&#119;`, `&#x77;`, or one of the named ones a key could use. */
function entityAt(text: string, at: number): { char: string; length: number } | undefined {
  const entity = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-z]{2,4}));/.exec(
    text.slice(at, at + 12),
  );
  if (entity === null) return undefined;
  const [whole, decimal, hex, name] = entity;
  const char =
    decimal !== undefined
      ? String.fromCodePoint(Number(decimal) % 0x110000)
      : hex !== undefined
        ? String.fromCodePoint(Number.parseInt(hex, 16) % 0x110000)
        : NAMED_ENTITIES[name ?? ""];
  return char === undefined ? undefined : { char, length: whole.length };
}

// A rolling hash of PART_OF_KEY codes, so that finding a piece of the key costs no string.
const BASE = 0x01000193;
const BASE_TO_LAST = Array.from({ length: PART_OF_KEY - 1 }).reduce<number>(
  (power) => Math.imul(power, BASE),
  1,
);

function pieceHash(codes: ArrayLike<number>, start: number): number {
  let hash = 0;
  for (let index = start; index < start + PART_OF_KEY; index += 1) {
    hash = (Math.imul(hash, BASE) + (codes[index] ?? 0)) | 0;
  }
  return hash;
}

/** The hash of the next piece: `leaving` drops out of the front, `entering` comes in at the back. */
function rollHash(hash: number, leaving: number, entering: number): number {
  return (Math.imul(hash - Math.imul(leaving, BASE_TO_LAST), BASE) + entering) | 0;
}
