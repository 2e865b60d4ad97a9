import { readingOf } from "./reading.js";

/** This many consecutive characters of the key, or more, are the key in part: they go. */
export const PART_OF_KEY = 8;
/** The same part, as the characters of the key's hex form (two a character). */
const PART_OF_HEX = PART_OF_KEY * 2;
/** The same part, as the characters of the key's base64 form (four for every three). */
const PART_OF_BASE64 = Math.ceil((PART_OF_KEY * 4) / 3);

/** One way the key can be written, as a Reading reads it, and how much of it is a part. */
interface KeyForm {
  codes: Int32Array;
  /** A run of this form at least this long goes (for the key itself: may go, see `written`). */
  part: number;
  /**
   * For the key itself: where each character read stands in the key as written, so that a part
   * counts the key's own characters, separators included (`wpk_3f9a` is eight, read as six).
   */
  written?: Written;
}

/** Where each character read stands in the key as written. */
interface Written {
  from: Int32Array;
  to: Int32Array;
}

/** Where a piece of a form starts. */
interface PieceAt {
  form: number;
  start: number;
}

/** What a scrubber knows of its key, made once per key and shared by every call's view. */
export interface KeyTable {
  /** The key as a Reading reads it; undefined without a key. */
  key: Int32Array | undefined;
  /** The key itself first, then its hex and base64 forms. */
  forms: readonly KeyForm[];
  /** How many characters the rolling hash covers: the shortest part of any form. */
  piece: number;
  /** Where each run of `piece` characters stands in the forms, by the run's hash. */
  pieces: Map<number, PieceAt[]>;
  /** Whether a hash's low 16 bits may be a piece's: a cheap look before the map. */
  maybe: Uint8Array;
  /** BASE to the power `piece - 1`, for rolling the hash. */
  baseToLast: number;
  overshoot: number;
}

export const NO_KEY: KeyTable = {
  key: undefined,
  forms: [],
  piece: PART_OF_KEY,
  pieces: new Map(),
  maybe: new Uint8Array(0),
  baseToLast: 0,
  overshoot: 0,
};

/**
 * The key's table: the key as read, and the forms a proxy or an API may echo it in: hex (either
 * case), and base64 (standard or url-safe) at each of the three alignments it can start at within
 * a longer encoded text. Only the characters of an encoded form that the key alone decides are
 * kept; a Reading drops the `+`, `/`, `-`, `_` and `=` of base64, and folds its case.
 */
export function keyTable(secret: string | undefined): KeyTable {
  if (secret === undefined || secret === "") return NO_KEY;
  const read = readingOf(secret);
  const key = read.codes.slice(0, read.length);
  const written: Written = {
    from: read.from.slice(0, read.length),
    to: read.to.slice(0, read.length),
  };
  const bytes = Buffer.from(secret, "utf8");
  const encoded = [
    { text: bytes.toString("hex"), part: PART_OF_HEX },
    ...[0, 1, 2].map((alignment) => ({ text: base64At(bytes, alignment), part: PART_OF_BASE64 })),
  ];
  const forms: KeyForm[] = [
    { codes: key, part: shortestPart(written), written },
    ...encoded
      .map(({ text, part }) => ({ codes: readCopy(text), part }))
      .filter((form) => form.codes.length >= form.part),
  ];
  const piece = Math.min(...forms.map((form) => form.part));
  const table: KeyTable = {
    key,
    forms,
    piece,
    pieces: new Map(),
    maybe: new Uint8Array(0x10000),
    baseToLast: powerOfBase(piece - 1),
    overshoot: secret.length * 16,
  };
  forms.forEach(({ codes }, form) => {
    for (let start = 0; start + piece <= codes.length; start += 1) {
      const hash = pieceHash(codes, start, piece);
      const at = table.pieces.get(hash);
      if (at === undefined) table.pieces.set(hash, [{ form, start }]);
      else at.push({ form, start });
      table.maybe[hash & 0xffff] = 1;
    }
  });
  return table;
}

/**
 * The base64 of the key's bytes when `alignment` bytes of something else come before them, less
 * the characters that also depend on those bytes or on what follows.
 */
function base64At(bytes: Buffer, alignment: number): string {
  const encoded = Buffer.concat([Buffer.alloc(alignment), bytes])
    .toString("base64")
    .replace(/=+$/, "");
  const first = Math.ceil((alignment * 8) / 6);
  const last = Math.floor(((alignment + bytes.length) * 8) / 6);
  return encoded.slice(first, last);
}

/**
 * The fewest characters read that can span a part of the key as written: PART_OF_KEY characters
 * of it, separators between them included; the whole key when it is shorter.
 */
function shortestPart(written: Written): number {
  const count = written.from.length;
  let shortest = count;
  for (let start = 0; start < count; start += 1) {
    for (let length = 1; start + length <= count && length < shortest; length += 1) {
      if (spanWritten(written, start, length) >= PART_OF_KEY) {
        shortest = length;
        break;
      }
    }
  }
  return shortest;
}

/**
 * How many characters of the key as written a run of `length` characters read from `start` spans,
 * separators between them included (`wpk_3f9a` is eight, read as six).
 */
function spanWritten(written: Written, start: number, length: number): number {
  return (written.to[start + length - 1] ?? 0) - (written.from[start] ?? 0);
}

/** A text as a Reading reads it, copied: a Reading lends its arrays. */
function readCopy(text: string): Int32Array {
  const read = readingOf(text);
  return read.codes.slice(0, read.length);
}

/**
 * The longest run of any form starting at `at` (whose piece hashes to `hash`) that is long enough
 * to go; 0 when none. `whole`: the run is a whole form, the key itself or a whole encoding of it.
 */
export function longestRunAt(
  table: KeyTable,
  hash: number,
  codes: Int32Array,
  at: number,
  read: number,
): { longest: number; whole: boolean } {
  const starts = table.pieces.get(hash);
  let longest = 0;
  let whole = false;
  for (const { form, start } of starts ?? []) {
    const found = table.forms[form];
    if (found === undefined) continue;
    const { codes: formCodes, part, written } = found;
    let length = 0;
    const most = Math.min(formCodes.length - start, read - at);
    while (length < most && codes[at + length] === formCodes[start + length]) length += 1;
    const isPart =
      length >= part &&
      (written === undefined ||
        length === formCodes.length ||
        spanWritten(written, start, length) >= PART_OF_KEY);
    if (isPart && length > longest) {
      longest = length;
      whole = length === formCodes.length;
    }
  }
  return { longest, whole };
}

// A rolling hash of `piece` codes, so that finding a piece of the key costs no string.
const BASE = 0x01000193;

function powerOfBase(exponent: number): number {
  let power = 1;
  for (let step = 0; step < exponent; step += 1) power = Math.imul(power, BASE);
  return power;
}

export function pieceHash(codes: ArrayLike<number>, start: number, piece: number): number {
  let hash = 0;
  for (let index = start; index < start + piece; index += 1) {
    hash = (Math.imul(hash, BASE) + (codes[index] ?? 0)) | 0;
  }
  return hash;
}

/** The hash of the next piece: `leaving` drops out of the front, `entering` comes in at the back. */
export function rollHash(table: KeyTable, hash: number, leaving: number, entering: number): number {
  return (Math.imul(hash - Math.imul(leaving, table.baseToLast), BASE) + entering) | 0;
}
