import { nodeCrypto } from "../node-crypto.js";

const { readFileSync } = process.getBuiltinModule("node:fs");

// The hash chain of an audit file: each line carries `seq` (rising by one) and `prev_hash` (the
// SHA-256 of the line before, 64 zeros on the first), so a line removed or edited in the middle
// shows. A chain cannot show lines cut from its end, nor a whole file rewritten with a fresh
// chain: an anchor kept elsewhere (a line's seq and hash, which every audit line on stderr
// carries) can.

export const FIRST_PREV_HASH = "0".repeat(64);

/** A line of the chain as someone kept it elsewhere: its seq and the SHA-256 of its bytes. */
export interface Link {
  seq: number;
  hash: string;
}

export const START_OF_CHAIN: Link = { seq: 0, hash: FIRST_PREV_HASH };

export function sha256(line: string | Buffer): string {
  return nodeCrypto().createHash("sha256").update(line).digest("hex");
}

/** The seq and prev_hash of an audit line; undefined for anything else. */
export function linkOf(line: string): { seq: number; prev_hash: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    const { seq, prev_hash } = (parsed ?? {}) as { seq?: unknown; prev_hash?: unknown };
    return Number.isSafeInteger(seq) &&
      typeof prev_hash === "string" &&
      /^[0-9a-f]{64}$/.test(prev_hash)
      ? { seq: seq as number, prev_hash }
      : undefined;
  } catch {
    return undefined;
  }
}

/** `SEQ:HASH`, as `--anchor` takes it; undefined when it is not one. */
export function parseAnchor(text: string): Link | undefined {
  const match = /^([1-9][0-9]{0,15}):([0-9a-f]{64})$/.exec(text);
  if (match === null) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) ? { seq, hash: String(match[2]) } : undefined;
}

export type Verification =
  { ok: true; lines: number } | { ok: false; lines: number; line: number; problem: string };

/**
 * Checks a file's chain from its first line and says where it first breaks; with an anchor, also
 * that the anchor's line is still there, unchanged.
 */
export function verifyAuditFile(path: string, anchor?: Link): Verification {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const complete = text === "" || text.endsWith("\n");
  if (complete) lines.pop();
  const broken = (line: number, problem: string): Verification => ({
    ok: false,
    lines: lines.length,
    line,
    problem,
  });
  let previous = START_OF_CHAIN;
  let anchorFound = false;
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    if (!complete && number === lines.length) {
      return broken(
        number,
        "is incomplete: it has no line break (the process stopped while writing it?)",
      );
    }
    const link = linkOf(line);
    if (link === undefined) return broken(number, "is not an audit line (no seq and prev_hash)");
    if (link.prev_hash !== previous.hash) {
      return broken(
        number,
        number === 1
          ? "has a prev_hash, but a file's first line has 64 zeros: lines before it were removed"
          : `has a prev_hash that is not the SHA-256 of line ${number - 1}: a line was removed or edited`,
      );
    }
    if (link.seq !== previous.seq + 1) {
      return broken(number, `has seq ${link.seq}, where ${previous.seq + 1} was due`);
    }
    previous = { seq: link.seq, hash: sha256(line) };
    if (anchor?.seq === link.seq) {
      if (previous.hash !== anchor.hash) {
        return broken(
          number,
          `has seq ${link.seq}, but is not the anchor's line (its SHA-256 differs)`,
        );
      }
      anchorFound = true;
    }
  }
  if (anchor !== undefined && !anchorFound) {
    return broken(
      lines.length,
      `is the last, with seq ${previous.seq}: the anchor's line, seq ${anchor.seq}, is not in the file (lines were cut from its end, or it was started again)`,
    );
  }
  return { ok: true, lines: lines.length };
}
