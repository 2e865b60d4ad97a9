import { nodeCrypto } from "../node-crypto.js";

const {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} = process.getBuiltinModule("node:fs");

// A lock that several processes on one machine share, and that a process killed while holding
// it cannot leave stuck. It lives in a folder of numbered turns: turn N is held by the one
// process that created the file `N` (created whole, by a hard link, so it is never seen empty),
// and is over once `N.released` exists. The next turn is taken by creating `N+1`, which only one
// process can do: so when the holder of N died, or `N` is not a lock of ours at all, any number
// of processes may see it is stale and still only one of them takes the next turn. Nothing is
// ever removed that someone could still be deciding by; turns older than the one before are
// cleared by the holder of the newest.

/** A holder keeps its turn for one write and fsync: a turn older than this is abandoned. */
export const LOCK_HELD_MAX_MS = 2_000;

export class FileLockError extends Error {
  override name = "FileLockError";
}

interface Holder {
  pid: number;
  id: string;
}

export class FileLock {
  readonly #folder: string;
  readonly #me: Holder = { pid: process.pid, id: nodeCrypto().randomBytes(8).toString("hex") };
  readonly #now: () => number;

  constructor(folder: string, now: () => number = Date.now) {
    this.#folder = folder;
    this.#now = now;
  }

  /**
   * Takes the lock if nobody holds it, and returns the function that gives it back; undefined
   * while a live process of ours holds it. Never waits.
   */
  tryAcquire(): (() => void) | undefined {
    this.#ensureFolder();
    for (;;) {
      const current = this.#newestTurn();
      if (!this.#isOver(current)) return undefined;
      const next = current + 1;
      if (!this.#take(next)) continue; // Another process took that turn first.
      // Turns are cleared two behind the newest: a process that stalled since it looked may have
      // made a cleared turn again. It holds nothing when a newer turn exists.
      if (this.#newestTurn() !== next) {
        rmSync(`${this.#folder}/${next}`, { force: true });
        continue;
      }
      this.#clearBefore(current);
      return () => this.#release(next);
    }
  }

  #ensureFolder(): void {
    try {
      mkdirSync(this.#folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw this.#failure(error);
    }
    if (!lstatSync(this.#folder).isDirectory()) {
      throw new FileLockError(`${this.#folder} is not a folder (a lock folder is kept there)`);
    }
  }

  #newestTurn(): number {
    let newest = 0;
    for (const name of readdirSync(this.#folder)) {
      if (/^[1-9][0-9]*$/.test(name)) newest = Math.max(newest, Number(name));
    }
    return newest;
  }

  /**
   * Turn N is over when its holder gave it back, died, or is no holder of ours. This process holds
   * no turn while it looks, so a turn in its own name is one it (or an earlier process with its
   * pid) left behind.
   */
  #isOver(turn: number): boolean {
    const path = `${this.#folder}/${turn}`;
    try {
      if (existsSync(`${path}.released`)) return true;
      const holder = holderIn(readFileSync(path, "utf8"));
      if (holder === undefined) return true;
      if (holder.pid === this.#me.pid) return true;
      if (this.#now() - statSync(path).mtimeMs > LOCK_HELD_MAX_MS) return true;
      return !isAlive(holder.pid);
    } catch (error) {
      // No turn yet, or it was cleared meanwhile: a newer one exists.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
      throw this.#failure(error);
    }
  }

  /** Creates turn N with our name in it, whole; false when another process created it first. */
  #take(turn: number): boolean {
    const draft = `${this.#folder}/${this.#me.id}.draft`;
    const fd = openSync(draft, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(this.#me));
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(draft, `${this.#folder}/${turn}`);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw this.#failure(error);
    } finally {
      rmSync(draft, { force: true });
    }
  }

  #release(turn: number): void {
    closeSync(openSync(`${this.#folder}/${turn}.released`, "w", 0o600));
  }

  #clearBefore(turn: number): void {
    for (const name of readdirSync(this.#folder)) {
      const number = Number(name.replace(/\.released$/, ""));
      if (Number.isSafeInteger(number) && number < turn) {
        rmSync(`${this.#folder}/${name}`, { force: true });
      }
    }
  }

  #failure(error: unknown): FileLockError {
    return new FileLockError(
      `its lock folder ${this.#folder} cannot be used: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

function existsSync(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

function holderIn(text: string): Holder | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    const { pid, id } = (parsed ?? {}) as { pid?: unknown; id?: unknown };
    return Number.isSafeInteger(pid) && (pid as number) > 0 && typeof id === "string"
      ? { pid: pid as number, id }
      : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
