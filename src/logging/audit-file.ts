import { nodeCrypto } from "../node-crypto.js";

// Taken from Node's own module rather than imported: importing node:fs into an ES module reads
// every export, fs.promises among them, which loads fs/promises and readline at every start.
const {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} = process.getBuiltinModule("node:fs");

// The durable audit trail: JSON Lines, appended and fsynced one line at a time, each line carrying
// `seq` (rising by one) and `prev_hash` (the SHA-256 of the line before), so that a removed or
// edited line shows. The chain is taken up from the file's last line, under a lock, because
// several processes (a client may start one per call) can share one file.

export const FIRST_PREV_HASH = "0".repeat(64);
/** Longer than any audit line: the last line is found within this much of the file's end. */
const TAIL_BYTES = 64 * 1024;
const LOCK_WAIT_MS = 5_000;
/** A lock older than this was left by a process that died holding it. */
const LOCK_STALE_MS = 30_000;

export class AuditFileError extends Error {
  override name = "AuditFileError";
}

export class AuditFile {
  readonly #path: string;
  readonly #fd: number;
  /** Only a regular file is shared with other processes; a device (/dev/full) is not read back. */
  readonly #regular: boolean;
  #last: { seq: number; hash: string };

  private constructor(path: string, fd: number, regular: boolean) {
    this.#path = path;
    this.#fd = fd;
    this.#regular = regular;
    this.#last = regular ? lastLink(fd, path) : { seq: 0, hash: FIRST_PREV_HASH };
  }

  /** Opens the file for append (created with mode 0600) and takes up its chain. */
  static open(path: string): AuditFile {
    let fd: number;
    try {
      fd = openSync(path, "a+", 0o600);
    } catch (error) {
      throw new AuditFileError(`cannot be opened: ${describe(error)}`);
    }
    try {
      return new AuditFile(path, fd, fstatSync(fd).isFile());
    } catch (error) {
      closeSync(fd);
      throw error instanceof AuditFileError
        ? error
        : new AuditFileError(`cannot be read: ${describe(error)}`);
    }
  }

  /** Appends one line, chained to the file's last, and returns it once it is on disk. */
  append(fields: Record<string, unknown>): string {
    const write = () => {
      if (this.#regular) this.#last = lastLink(this.#fd, this.#path);
      const line = JSON.stringify({
        seq: this.#last.seq + 1,
        prev_hash: this.#last.hash,
        ...fields,
      });
      writeFully(this.#fd, `${line}\n`);
      fsyncSync(this.#fd);
      this.#last = { seq: this.#last.seq + 1, hash: sha256(line) };
      return line;
    };
    return this.#regular ? withLock(`${this.#path}.lock`, write) : write();
  }

  close(): void {
    closeSync(this.#fd);
  }
}

export type Verification =
  { ok: true; lines: number } | { ok: false; lines: number; line: number; problem: string };

/** Checks a file's chain from its first line, and says where it first breaks. */
export function verifyAuditFile(path: string): Verification {
  const text = readFileSync(path, "utf8");
  const lines = text === "" ? [] : text.split("\n");
  const complete = text === "" || text.endsWith("\n");
  if (complete) lines.pop();
  let previous: { seq: number; hash: string } = { seq: 0, hash: FIRST_PREV_HASH };
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    const broken = (problem: string): Verification => ({
      ok: false,
      lines: lines.length,
      line: number,
      problem,
    });
    if (!complete && number === lines.length) {
      return broken("is incomplete: it has no line break (the process stopped while writing it?)");
    }
    const link = linkOf(line);
    if (link === undefined) return broken("is not an audit line (no seq and prev_hash)");
    if (link.prev_hash !== previous.hash) {
      return broken(
        number === 1
          ? "has a prev_hash, but a file's first line has 64 zeros: lines before it were removed"
          : `has a prev_hash that is not the SHA-256 of line ${number - 1}: a line was removed or edited`,
      );
    }
    if (link.seq !== previous.seq + 1) {
      return broken(`has seq ${link.seq}, where ${previous.seq + 1} was due`);
    }
    previous = { seq: link.seq, hash: sha256(line) };
  }
  return { ok: true, lines: lines.length };
}

/** The seq and hash of the file's last line; a file whose last line is not one stops here. */
function lastLink(fd: number, path: string): { seq: number; hash: string } {
  const size = fstatSync(fd).size;
  if (size === 0) return { seq: 0, hash: FIRST_PREV_HASH };
  const length = Math.min(size, TAIL_BYTES);
  const tail = Buffer.alloc(length);
  readSync(fd, tail, 0, length, size - length);
  const broken = (why: string) =>
    new AuditFileError(
      `${path}'s last line ${why}: check it with --verify-audit, and start a new file (see the docs on rotating it)`,
    );
  if (tail[length - 1] !== 0x0a) throw broken("is incomplete (no line break)");
  const start = tail.lastIndexOf(0x0a, length - 2) + 1;
  if (start === 0 && length < size) throw broken("is longer than any audit line");
  const line = tail.subarray(start, length - 1).toString("utf8");
  const link = linkOf(line);
  if (link === undefined) throw broken("is not an audit line");
  return { seq: link.seq, hash: sha256(line) };
}

function linkOf(line: string): { seq: number; prev_hash: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { seq, prev_hash } = parsed as { seq?: unknown; prev_hash?: unknown };
    return Number.isSafeInteger(seq) &&
      typeof prev_hash === "string" &&
      /^[0-9a-f]{64}$/.test(prev_hash)
      ? { seq: seq as number, prev_hash }
      : undefined;
  } catch {
    return undefined;
  }
}

function sha256(line: string): string {
  return nodeCrypto().createHash("sha256").update(line).digest("hex");
}

/** Holds `lockPath` (created exclusively) while `work` runs; waits for another holder. */
function withLock<T>(lockPath: string, work: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new AuditFileError(`its lock ${lockPath} cannot be created: ${describe(error)}`);
      }
      if (isStale(lockPath)) {
        rmSync(lockPath, { force: true });
      } else if (Date.now() > deadline) {
        throw new AuditFileError(`another process has held ${lockPath} for over 5 s`);
      } else {
        sleepSync(5);
      }
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/** A lock whose holder is gone, or that is older than any holder keeps one. */
function isStale(lockPath: string): boolean {
  try {
    if (Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(readFileSync(lockPath, "utf8"));
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Writes all of `text`, waiting out a full pipe (EAGAIN) for up to a second. */
export function writeFully(fd: number, text: string): void {
  let rest = Buffer.from(text);
  const deadline = Date.now() + 1_000;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN" || Date.now() > deadline) throw error;
      sleepSync(1);
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const IN_WORDS: Readonly<Record<string, string>> = {
  EISDIR: "it is a directory, not a file",
  ENOENT: "its folder does not exist",
  EACCES: "permission denied",
  EROFS: "the file system is read-only",
};

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === undefined) return message;
  const words = IN_WORDS[code];
  return words === undefined ? code : `${code} (${words})`;
}
