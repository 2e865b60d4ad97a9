/**
 * At most one operation in flight per key: a second caller for the same key joins the first
 * instead of starting its own.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  async run(key: string, operation: () => Promise<T>): Promise<{ value: T; joined: boolean }> {
    const running = this.#inFlight.get(key);
    if (running !== undefined) return { value: await running, joined: true };
    const started = operation().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return { value: await started, joined: false };
  }
}
