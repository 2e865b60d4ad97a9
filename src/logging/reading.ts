/**
 * A text read the way a person (or a model) would read an echoed key out of it: JSON escapes,
 * HTML entities and percent-escapes decoded; white space, ASCII punctuation (the separators a
 * key can be split by: `-`, `_`, `.`, `:`, …), control, format and combining characters dropped;
 * letters in one case. `from[i]` and `to[i]` say where character `i` came from in the original
 * text. Its arrays are lent: they hold until the next Reading is made.
 */
export interface Reading {
  codes: Int32Array;
  from: Int32Array;
  to: Int32Array;
  /** How many characters were read: the arrays may be longer. */
  length: number;
}

/**
 * Most texts (results, log lines) are short, and are read into one set of arrays kept for them;
 * a longer text gets arrays of its own, freed with it, so that one large body does not leave the
 * process holding arrays its size.
 */
const KEPT_LENGTH = 65_536;
const kept = arraysOf(KEPT_LENGTH);

function arraysOf(length: number) {
  return {
    codes: new Int32Array(length),
    from: new Int32Array(length),
    to: new Int32Array(length),
  };
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};
const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/" };

const INVISIBLE = /^[\p{Cc}\p{Cf}\p{M}\s]$/u;
const BACKSLASH = 0x5c;
const AMPERSAND = 0x26;
const PERCENT = 0x25;

/** How an ASCII character reads: lowercased if a letter or digit, else dropped (-1). */
function asciiRead(code: number): number {
  if (code >= 0x61) return code <= 0x7a ? code : -1;
  if (code >= 0x41) return code <= 0x5a ? code + 0x20 : -1;
  return code >= 0x30 && code <= 0x39 ? code : -1;
}

/** Reads a text as a Reading: see there. Most characters are plain ASCII, and go straight in. */
export function readingOf(text: string): Reading {
  const { codes, from, to } = text.length <= KEPT_LENGTH ? kept : arraysOf(text.length);
  let length = 0;
  for (let at = 0; at < text.length;) {
    const code = text.charCodeAt(at);
    if (code < 0x80 && code !== BACKSLASH && code !== AMPERSAND && code !== PERCENT) {
      const read = asciiRead(code);
      if (read !== -1) {
        codes[length] = read;
        from[length] = at;
        to[length] = at + 1;
        length += 1;
      }
      at += 1;
      continue;
    }
    const decoded = escapeAt(text, at, code);
    const width = decoded?.length ?? ((text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);
    const char = decoded?.char ?? text.slice(at, at + width);
    const point = char.codePointAt(0) ?? 0;
    const read = point < 0x80 ? asciiRead(point) : INVISIBLE.test(char) ? -1 : point;
    if (read !== -1) {
      codes[length] = read;
      from[length] = at;
      to[length] = at + width;
      length += 1;
    }
    at += width;
  }
  return { codes, from, to, length };
}

/** A text as a Reading reads it, as a string. */
export function readAsString(text: string): string {
  const { codes, length } = readingOf(text);
  return codesAsString(codes, 0, length);
}

export function codesAsString(codes: Int32Array, start: number, end: number): string {
  let text = "";
  for (let at = start; at < end; at += 1) text += String.fromCodePoint(codes[at] ?? 0);
  return text;
}

function escapeAt(
  text: string,
  at: number,
  code: number,
): { char: string; length: number } | undefined {
  if (code === BACKSLASH) return jsonEscapeAt(text, at);
  if (code === AMPERSAND) return entityAt(text, at);
  if (code === PERCENT) return percentEscapeAt(text, at);
  return undefined;
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

/** A percent-escape at `at` (`%77`): a key is printable ASCII, one byte a character. */
function percentEscapeAt(text: string, at: number): { char: string; length: number } | undefined {
  const escape = /^%([0-9a-fA-F]{2})/.exec(text.slice(at, at + 3));
  if (escape === null) return undefined;
  return { char: String.fromCharCode(Number.parseInt(escape[1] ?? "", 16)), length: 3 };
}
