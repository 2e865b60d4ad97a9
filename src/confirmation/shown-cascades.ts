import type { Cascade } from "./preview-token.js";

const MAX_REMEMBERED = 1_000;

/**
 * What this process showed, by the digest a token carries: used only to say what changed when a
 * token's cascade no longer matches, never to decide whether a confirm counts (the token does).
 * Another process or replica does not have it, and then the answer just says that it changed.
 */
export class ShownCascades {
  readonly #shown = new Map<string, Cascade>();

  remember(digest: string, cascade: Cascade): void {
    this.#shown.delete(digest);
    this.#shown.set(digest, cascade);
    if (this.#shown.size > MAX_REMEMBERED) {
      const [oldest] = this.#shown.keys();
      if (oldest !== undefined) this.#shown.delete(oldest);
    }
  }

  recall(digest: string): Cascade | undefined {
    return this.#shown.get(digest);
  }
}

/** The items added and removed between two readings, each as a sorted set. */
export function itemChange(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  const [was, is] = [new Set(before), new Set(after)];
  return {
    added: [...is].filter((item) => !was.has(item)).sort(),
    removed: [...was].filter((item) => !is.has(item)).sort(),
  };
}
