/** How many spent ids one replica remembers at most; the oldest are forgotten first. */
const MAX_REMEMBERED = 100_000;

/**
 * The codes and refresh tokens this replica has already taken, each until it would have expired
 * anyway: a second use is refused here. Another replica cannot tell (nothing is shared but the
 * secret), which is why codes live minutes and revocation is by rotating the secret.
 */
export class OnceOnly {
  readonly #spent = new Map<string, number>();

  /** True the first time `id` is taken; false after. `expiresAt` is in ms since the epoch. */
  take(id: string, expiresAt: number, now = Date.now()): boolean {
    if (this.#spent.has(id)) return false;
    if (this.#spent.size >= MAX_REMEMBERED) this.#forget(now);
    this.#spent.set(id, expiresAt);
    return true;
  }

  #forget(now: number): void {
    for (const [id, expiresAt] of this.#spent) if (expiresAt <= now) this.#spent.delete(id);
    const [oldest] = this.#spent.keys();
    if (this.#spent.size >= MAX_REMEMBERED && oldest !== undefined) this.#spent.delete(oldest);
  }
}
