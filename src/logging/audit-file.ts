import { type Link, linkOf, START_OF_CHAIN, sha256 } from "./audit-chain.js";
import { FileLock } from "./file-lock.js";

// Taken from Node's own module rather than imported: importing node:fs into an ES module reads
// every export, fs.promises among them, which loads fs/promises and readline at every start.
const {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  lstatSync,
  openSync,
  readSync,
  writeSync,
} = process.getBuiltinModule("node:fs");

// The durable audit trail: JSON Lines, appended and fsynced one line at a time, chained (see
// audit-chain.ts). Several processes (a client may start one per call) can share one file: each
// appends under a lock, and takes up the chain from the file's last line. Each also remembers
// the last line it knows to be at the end, where it is: a file cut or rewritten under it is
// refused from then on, rather than continued as if nothing happened.

/** Longer than any audit line: the last line is found within this much of the file's end. */
const TAIL_BYTES = 64 * 1024;
/** Never follow a symlink at the path: whoever can place one could send the lines anywhere. */
const OPEN_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

export class AuditFileError extends Error {
  override name = "AuditFileError";
}

/** A line as it was written, and its place in the chain. */
export interface Written extends Link {
  line: string;
}

/** The last line known to be at the file's end: its offset, length and link. */
interface End extends Link {
  offset: number;
  length: number;
}

export class AuditFile {
  readonly #path: string;
  readonly #fd: number;
  /** Only a regular file is shared with other processes; a device (/dev/full) is not read back. */
  readonly #lock: FileLock | undefined;
  #end: End;
  /** Why nothing more is appended, once the file changed under this process. */
  #refusal: string | undefined;

  private constructor(path: string, fd: number, regular: boolean) {
    this.#path = path;
    this.#fd = fd;
    this.#lock = regular ? new FileLock(`${path}.locks`) : undefined;
    this.#end = regular ? this.#lastWholeLine(fstatSync(fd).size) : atStart();
  }

  /** Opens the file for append (created with mode 0600), and refuses one others could write. */
  static open(path: string): AuditFile {
    let fd: number;
    try {
      fd = openSync(path, OPEN_FLAGS, 0o600);
    } catch (error) {
      throw new AuditFileError(`cannot be opened: ${describe(error)}`);
    }
    try {
      const stat = fstatSync(fd);
      if (stat.isFile() && (stat.mode & 0o022) !== 0) {
        throw new AuditFileError(
          `can be written by others (mode ${(stat.mode & 0o777).toString(8)}): make it 600 (chmod 600 ${path})`,
        );
      }
      return new AuditFile(path, fd, stat.isFile());
    } catch (error) {
      closeSync(fd);
      throw error instanceof AuditFileError
        ? error
        : new AuditFileError(`cannot be read: ${describe(error)}`);
    }
  }

  /**
   * Appends one line, chained to the file's last, once it holds the lock; the lines it wrote (a
   * line saying a torn end was mended comes first), or undefined while another process holds it.
   * Throws when the line cannot be written.
   */
  tryAppend(entry: Record<string, unknown>): Written[] | undefined {
    return this.#locked(() => {
      const mended = this.#takeUpChain();
      return [...mended, this.#write(entry)];
    });
  }

  /** Mends a torn end now (see tryAppend); [] when there was none. */
  tryMend(): Written[] | undefined {
    return this.#locked(() => this.#takeUpChain());
  }

  close(): void {
    closeSync(this.#fd);
  }

  #locked(work: () => Written[]): Written[] | undefined {
    if (this.#refusal !== undefined) throw new AuditFileError(this.#refusal);
    let release: (() => void) | undefined;
    try {
      release = this.#lock === undefined ? () => undefined : this.#lock.tryAcquire();
    } catch (error) {
      throw new AuditFileError(describe(error));
    }
    if (release === undefined) return undefined;
    try {
      return work();
    } catch (error) {
      throw error instanceof AuditFileError
        ? error
        : new AuditFileError(`cannot be written: ${describe(error)}`);
    } finally {
      release();
    }
  }

  /**
   * Checks that the line this process last knew at the end is still where it was, mends a torn
   * end, and takes the chain up from the file's last whole line.
   */
  #takeUpChain(): Written[] {
    if (this.#lock === undefined) return [];
    this.#checkPath();
    const size = fstatSync(this.#fd).size;
    this.#checkEnd(size);
    this.#end = this.#lastWholeLine(size);
    const whole = this.#end.seq === 0 ? 0 : this.#end.offset + this.#end.length + 1;
    if (whole === size) return [];
    const torn = this.#read(whole, size - whole);
    ftruncateSync(this.#fd, whole);
    return [
      this.#write({
        level: 40,
        time: Date.now(),
        name: "woodpecker-mcp",
        audit: "recovered",
        torn_bytes: torn.length,
        torn_base64: torn.toString("base64"),
        msg: "the file ended in a torn line (a write cut short by a crash or power loss): its bytes are kept here, and the chain goes on from the last whole line",
      }),
    ];
  }

  /** The path must still name the file this process writes: not removed, moved or replaced. */
  #checkPath(): void {
    const open = fstatSync(this.#fd);
    let named: { dev: number; ino: number } | undefined;
    try {
      named = lstatSync(this.#path);
    } catch {
      named = undefined;
    }
    if (named?.dev === open.dev && named.ino === open.ino) return;
    throw this.#refuse(
      "was removed or replaced under this server (the path no longer names the file it writes); nothing more is appended to it",
    );
  }

  #checkEnd(size: number): void {
    const { offset, length, seq } = this.#end;
    if (seq === 0) return;
    const bytes = this.#read(offset, length + 1);
    if (bytes[length] === 0x0a && sha256(bytes.subarray(0, length)) === this.#end.hash) return;
    const how = size < offset + length + 1 ? "shrank" : "changed";
    throw this.#refuse(
      `${how} under this server: its line seq ${seq} is no longer where it was written (lines were cut or rewritten); nothing more is appended to it`,
    );
  }

  #refuse(why: string): AuditFileError {
    this.#refusal = `${this.#path} ${why}`;
    return new AuditFileError(this.#refusal);
  }

  #write(entry: Record<string, unknown>): Written {
    const line = JSON.stringify({ seq: this.#end.seq + 1, prev_hash: this.#end.hash, ...entry });
    const offset = fstatSync(this.#fd).size;
    writeFully(this.#fd, `${line}\n`);
    fsyncSync(this.#fd);
    const length = Buffer.byteLength(line);
    this.#end = { seq: this.#end.seq + 1, hash: sha256(line), offset, length };
    return { line, seq: this.#end.seq, hash: this.#end.hash };
  }

  /** The last whole line before `size`; a file whose last line is not an audit line stops here. */
  #lastWholeLine(size: number): End {
    const length = Math.min(size, TAIL_BYTES);
    const tail = this.#read(size - length, length);
    const end = tail.lastIndexOf(0x0a);
    if (end === -1 && length < size)
      throw this.#refuse("has a last line longer than any audit line");
    if (end === -1) return atStart();
    const start = tail.lastIndexOf(0x0a, end - 1) + 1;
    if (start === 0 && length < size)
      throw this.#refuse("has a last line longer than any audit line");
    const line = tail.subarray(start, end).toString("utf8");
    const link = linkOf(line);
    if (link === undefined) {
      throw this.#refuse(
        "has a last line that is not an audit line: check it with --verify-audit, and start a new file (see the docs on rotating it)",
      );
    }
    return {
      seq: link.seq,
      hash: sha256(line),
      offset: size - length + start,
      length: end - start,
    };
  }

  #read(position: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const read = readSync(this.#fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  }
}

function atStart(): End {
  return { ...START_OF_CHAIN, offset: 0, length: 0 };
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
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

const IN_WORDS: Readonly<Record<string, string>> = {
  EISDIR: "it is a directory, not a file",
  ENOENT: "its folder does not exist",
  EACCES: "permission denied",
  EROFS: "the file system is read-only",
  ELOOP: "it is a symlink: name the file itself",
};

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === undefined) return message;
  const words = IN_WORDS[code];
  return words === undefined ? code : `${code} (${words})`;
}
