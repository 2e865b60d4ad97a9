import type { AuditFile, Written } from "./audit-file.js";
import { writeFully } from "./audit-file.js";
import type { SecretScrubber } from "./secret.js";

export interface AuditSubject {
  tool: string;
  /** The domain name or credential id; null when the arguments were invalid. */
  target: string | number | null;
  /** A short hash of the account's key, never the key. */
  account: string | null;
  dry_run: boolean;
  sandbox: boolean;
  /** Who said yes: form, url, page or agent; null when nobody did. */
  confirmed_by: string | null;
  /** Remote mode with OAuth: the id of the client the person signed in to. */
  oauth_client?: string;
}

export interface AuditOutcome extends AuditSubject {
  /**
   * The result's status, its error.kind, or `interrupted` for a call still running when the
   * process had to exit.
   */
  outcome: string;
  reason: string | null;
  delete_sent: boolean;
  joined: boolean;
  http_status: number | null;
  attempts: number;
  request_id: string | null;
  /** The DELETE's answer was ambiguous and a read afterwards settled it as accepted. */
  verified_by_read: boolean;
  duration_ms: number;
}

/** How long a line waits for the file's lock before it is given up (loudly, for an outcome). */
const WAIT_MS = { intent: 5_000, outcome: 60_000 };
/** How often a line waiting for the lock tries again. */
const RETRY_MS = 5;

interface Pending {
  entry: Record<string, unknown>;
  giveUpAt: number;
  written: () => void;
  failed: (error: unknown) => void;
}

/**
 * The audit trail of the deleting tools: an intent line before every DELETE, so that a process
 * that dies mid-call still leaves a trace, and one outcome line per call. Each line goes to
 * stderr, in the logs' format, whatever LOG_LEVEL says, and with WOODPECKER_AUDIT_FILE first to
 * that file, fsynced, in order: a line waits (without blocking the process) while another
 * process holds the file's lock. On stderr a file's line also carries its own `hash`, so that
 * whoever keeps the logs holds an anchor for the verifier. A line that cannot reach the file is
 * never dropped quietly: it goes to stderr at error level, saying why.
 */
export class AuditTrail {
  readonly #file: AuditFile | undefined;
  readonly #scrubber: SecretScrubber;
  readonly #stderr: (line: string) => void;
  readonly #queue: Pending[] = [];
  #retry: NodeJS.Timeout | undefined;
  readonly #emptied = new Set<() => void>();
  readonly #waitMs: typeof WAIT_MS;

  constructor(options: {
    file: AuditFile | undefined;
    scrubber: SecretScrubber;
    /** Where stderr lines go; tests keep them. */
    stderr?: (line: string) => void;
    waitMs?: typeof WAIT_MS;
  }) {
    this.#file = options.file;
    this.#waitMs = options.waitMs ?? WAIT_MS;
    this.#scrubber = options.scrubber;
    this.#stderr = options.stderr ?? ((line) => writeFully(2, `${line}\n`));
  }

  /** At start: mends a torn end the file was left with, saying so (see AuditFile). */
  mendFile(): void {
    const mended = this.#file?.tryMend();
    for (const written of mended ?? []) this.#copyToStderr(written);
  }

  /**
   * Settles once the line is written; rejects when it cannot be: then no DELETE may be sent. One
   * DELETE of several (a batch) carries the batch's id and its position in it.
   */
  intent(
    subject: AuditSubject,
    request: string,
    batch?: { batch: string; position: number },
  ): Promise<void> {
    const entry = this.#entry(
      { audit: "intent", ...subject, request, ...batch },
      "about to send a DELETE",
    );
    if (this.#file === undefined) {
      try {
        this.#stderr(JSON.stringify(entry));
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((written, failed) =>
      this.#enqueue({ entry, giveUpAt: Date.now() + this.#waitMs.intent, written, failed }),
    );
  }

  /**
   * Never throws: the call is over, and its answer must still reach the client. A line the file
   * refuses still goes to stderr, at error level.
   */
  outcome(outcome: AuditOutcome): void {
    const entry = this.#entry({ audit: "outcome", ...outcome }, "deleting tool call");
    if (this.#file === undefined) {
      this.#tryStderr(JSON.stringify(entry));
      return;
    }
    this.#enqueue({
      entry,
      giveUpAt: Date.now() + this.#waitMs.outcome,
      written: () => undefined,
      failed: (error) => this.#lost(entry, error),
    });
  }

  /** Resolves once every line is written or given up, or after `ms`: then see `abandon`. */
  settled(ms: number): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#emptied.add(done);
    });
  }

  /** At exit: the lines still waiting for the lock go to stderr at error level, not to the file. */
  abandon(): void {
    this.#pump();
    for (const pending of this.#queue.splice(0)) {
      pending.failed(new Error("the process exited while the line waited for the file's lock"));
    }
    clearTimeout(this.#retry);
  }

  #enqueue(pending: Pending): void {
    this.#queue.push(pending);
    if (this.#queue.length === 1) this.#pump();
  }

  /** Writes the waiting lines in order, as long as the lock is free. */
  #pump(): void {
    this.#retry = undefined;
    for (let head = this.#queue[0]; head !== undefined; head = this.#queue[0]) {
      let written: Written[] | undefined;
      try {
        written = (this.#file as AuditFile).tryAppend(head.entry);
      } catch (error) {
        this.#queue.shift();
        head.failed(error);
        continue;
      }
      if (written === undefined && Date.now() < head.giveUpAt) {
        this.#retry = setTimeout(() => this.#pump(), RETRY_MS);
        return;
      }
      this.#queue.shift();
      if (written === undefined) {
        head.failed(new Error("another process has held the audit file's lock too long"));
        continue;
      }
      for (const line of written) this.#copyToStderr(line);
      head.written();
    }
    for (const done of this.#emptied) done();
    this.#emptied.clear();
  }

  #entry(fields: Record<string, unknown>, msg: string): Record<string, unknown> {
    return this.#scrubber.value({
      level: 30,
      time: Date.now(),
      name: "woodpecker-mcp",
      ...fields,
      msg,
    });
  }

  /** The file's line, with its own hash: what the verifier's anchor is made of. */
  #copyToStderr({ line, hash }: Written): void {
    this.#tryStderr(`${line.slice(0, -1)},"hash":"${hash}"}`);
  }

  /** An outcome line the file could not take: on stderr, loudly, rather than nowhere. */
  #lost(entry: Record<string, unknown>, error: unknown): void {
    this.#tryStderr(
      JSON.stringify({
        ...entry,
        level: 50,
        audit_file_error: `not written to WOODPECKER_AUDIT_FILE: ${(error as Error).message}`,
      }),
    );
  }

  #tryStderr(line: string): void {
    try {
      this.#stderr(line);
    } catch {
      // stderr is closed too: nothing is left to write to.
    }
  }
}
