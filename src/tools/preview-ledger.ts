export const PREVIEW_TTL_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 1_000;

/**
 * What delete_domain last showed for each domain: the full set of mailboxes the deletion would
 * take, kept in memory for ten minutes. A confirm counts only for the cascade that was shown.
 */
export class PreviewLedger {
  readonly #shown = new Map<string, { mailboxes: readonly string[]; at: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  remember(domainName: string, mailboxes: readonly string[]): void {
    this.#shown.delete(domainName);
    this.#shown.set(domainName, { mailboxes: normalizeSet(mailboxes), at: this.#now() });
    if (this.#shown.size > MAX_ENTRIES) {
      const [oldest] = this.#shown.keys();
      if (oldest !== undefined) this.#shown.delete(oldest);
    }
  }

  /** The mailboxes shown for this domain in the last ten minutes, or undefined. */
  recall(domainName: string): readonly string[] | undefined {
    const entry = this.#shown.get(domainName);
    if (entry === undefined) return undefined;
    if (this.#now() - entry.at > PREVIEW_TTL_MS) {
      this.#shown.delete(domainName);
      return undefined;
    }
    return entry.mailboxes;
  }

  forget(domainName: string): void {
    this.#shown.delete(domainName);
  }
}

/** Lowercased, deduplicated and sorted, so two reads of the same mailboxes compare equal. */
export function normalizeSet(emails: readonly string[]): string[] {
  return [...new Set(emails.map((email) => email.toLowerCase()))].sort();
}
