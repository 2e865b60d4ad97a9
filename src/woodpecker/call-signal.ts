/**
 * Aborts a call on the caller's signal or at the call's deadline. Built by hand, not with
 * AbortSignal.timeout/any, so that its timer and listener go away as soon as the call ends
 * instead of living on for the whole budget.
 */
export class CallSignal {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.#controller.abort(this.#caller?.reason);
  pastDeadline = false;

  constructor(budgetMs: number, caller: AbortSignal | undefined) {
    this.#caller = caller;
    this.#timer = setTimeout(() => {
      this.pastDeadline = true;
      this.#controller.abort(new DOMException("The call exceeded its time budget", "TimeoutError"));
    }, budgetMs);
    if (caller?.aborted) this.#onCallerAbort();
    else caller?.addEventListener("abort", this.#onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get cancelledByCaller(): boolean {
    return this.#caller?.aborted === true;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#onCallerAbort);
  }
}
