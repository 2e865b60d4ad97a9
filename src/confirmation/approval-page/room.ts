import { ToolFailure } from "../../results/failure.js";
import {
  askForConfirmation,
  type ConfirmationAnswer,
  type Detached,
  type Deletion,
  type Said,
  type Shown,
} from "../deletion.js";
import { notConfirmed } from "../ask-person.js";
import { type Banner, type PageChannel, type PersonAnswer, scrubbedQuestion } from "../person.js";
import { cascadeDigest, type PreviewTokens } from "../preview-token.js";
import type { ShownCascades } from "../shown-cascades.js";
import { type Rendered, type ServedPage, servePage } from "./page-server.js";
import { outcomePage, questionPage } from "./template.js";

/** How many wrong names the page takes before it counts as the person's no. */
export const MAX_TRIES = 5;

/** How an approval page ended, for every call that waits on it. */
export type RoomOutcome<Answer> =
  /** The person confirmed, and the deletion was carried out: its answer, or how it failed. */
  | {
      type: "carried_out";
      by: "page" | "url";
      result: { answer: Answer } | { failure: ToolFailure };
      deleteSent: boolean;
    }
  /** The person said no, or did not answer, or the page could not go on: why. */
  | { type: "refused"; failure: ToolFailure }
  /** Nobody could be shown the page: the next channel is tried. */
  | { type: "unreachable" };

export interface RoomPlan<Fields, Answer extends Said, Via> {
  deletion: Deletion<Fields, Answer, Via>;
  shown: Shown<Fields>;
  channel: PageChannel;
  /** Which account it acts on, in words. */
  account: string;
  banners: readonly Banner[];
  tokens: PreviewTokens;
  shownCascades: ShownCascades;
  policy: "auto" | "person";
  detached: Detached<Via>;
  scrub: (text: string) => string;
  /** When the page's token expires, and with it the page. */
  expiresAt: Date;
}

type Step =
  | { step: "asking"; problem?: string }
  | { step: "working" }
  | { step: "over"; ok: boolean; text: string };

/**
 * One approval page, for one deletion: it lives until it is answered or its token expires, not as
 * long as the call that opened it. The person's yes carries the deletion out then and there: the
 * preview is read again, and deleted only if it is what the page showed (else the page shows what
 * changed and asks again). Calls for the same target wait on its outcome.
 */
export class ApprovalRoom<Fields, Answer extends Said, Via> {
  readonly outcome: Promise<RoomOutcome<Answer>>;
  /** The preview tokens handed out for this page: a later call with one gets its outcome. */
  readonly tokens = new Set<string>();
  readonly #plan: RoomPlan<Fields, Answer, Via>;
  #shown: Shown<Fields>;
  #note: string | undefined;
  #step: Step = { step: "asking" };
  #wrongTries = 0;
  #settled = false;
  #settle: (outcome: RoomOutcome<Answer>) => void = () => undefined;
  #page: ServedPage | undefined;
  readonly #closing = new AbortController();
  readonly #answered: Promise<void>;
  #markAnswered: () => void = () => undefined;

  constructor(plan: RoomPlan<Fields, Answer, Via>) {
    this.#plan = plan;
    this.#shown = plan.shown;
    this.outcome = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#answered = new Promise((resolve) => {
      this.#markAnswered = resolve;
    });
  }

  /** Still waiting for the person, or carrying out their yes. */
  get open(): boolean {
    return !this.#settled;
  }

  /** When the page's token expires, and with it the page. */
  get expiresAt(): Date {
    return this.#plan.expiresAt;
  }

  /** What the page shows now. */
  get shown(): Shown<Fields> {
    return this.#shown;
  }

  /** Serves the page and brings its address to the person. */
  async start(): Promise<void> {
    this.#page = await (this.#plan.channel.host ?? servePage)({
      show: (nonce) => this.#show(nonce),
      answer: (form, nonce) => this.#answer(form, nonce),
    });
    const untilExpiry = this.#plan.expiresAt.getTime() - Date.now();
    const expiry = setTimeout(() => {
      if (this.#step.step === "asking") this.#refuse("no_answer");
    }, untilExpiry);
    expiry.unref();
    void this.outcome.then(() => clearTimeout(expiry));
    const page = this.#page;
    void this.#plan.channel
      .deliver(
        { url: page.url, title: this.#question().title },
        this.#closing.signal,
        this.#answered,
      )
      .then((delivered) => this.#delivered(delivered, page));
  }

  /** `confirmation_required`, reason `awaiting_person`, with a token for the page as it stands. */
  awaiting(): ConfirmationAnswer<Fields> {
    const { binding, name, confirmValue } = this.#plan.deletion;
    const { answer } = askForConfirmation(
      { binding: { ...binding, page: true }, name, confirmValue },
      this.#shown,
      {
        tokens: this.#plan.tokens,
        shown: this.#plan.shownCascades,
        policy: this.#plan.policy,
      },
      {
        why: "awaiting_person",
        until: this.#plan.expiresAt,
        ...(this.#plan.channel.linkInResult === true && this.#page !== undefined
          ? { link: this.#page.url }
          : {}),
      },
    );
    this.tokens.add(answer.confirmation.preview_token);
    return answer;
  }

  /**
   * The server is stopping: a page still asking ends unanswered, a read of the preview is cut
   * short, and a deletion already sent goes on (it is drained like a call's), its page with it.
   */
  close(): void {
    this.#closing.abort();
    if (this.#step.step === "asking") this.#refuse("cancelled");
  }

  #delivered(delivered: PersonAnswer, page: ServedPage): void {
    if (delivered === "confirmed" || this.#settled) return;
    if (delivered === "unreachable") {
      if (!page.shown) this.#end({ type: "unreachable" });
      return;
    }
    if (this.#step.step === "asking") this.#refuse(delivered);
  }

  /** The page as it stands, its form carrying `nonce`; undefined once it is over. */
  #show(nonce: string): Rendered | undefined {
    const step = this.#step;
    if (step.step === "over") return undefined;
    const question = this.#question();
    if (step.step === "working") {
      const text = "Working on it: reload this page in a moment to see the outcome.";
      return {
        status: 200,
        html: (style) => outcomePage(question, { ok: true, text }, style, this.#footer),
      };
    }
    const account = this.#plan.scrub(this.#plan.account);
    const problem = step.problem === undefined ? {} : { problem: step.problem };
    return {
      status: 200,
      html: (styleNonce) =>
        questionPage(question, { nonce, styleNonce, account, ...problem, footer: this.#footer }),
    };
  }

  async #answer(form: URLSearchParams, nonce: string): Promise<Rendered | undefined> {
    if (this.#step.step !== "asking") return undefined;
    const action = form.get("action");
    const typed = form.get("confirmation") ?? "";
    const { confirmValue } = this.#plan.deletion;
    if (action === "cancel") {
      this.#refuse("declined");
    } else if (action !== "delete") {
      return undefined;
    } else if (typed.trim() === "") {
      this.#step = { step: "asking", problem: `Type ${confirmValue} to confirm, or press Cancel.` };
    } else if (!this.#plan.deletion.accepts(typed)) {
      this.#wrongTries += 1;
      const left = MAX_TRIES - this.#wrongTries;
      if (left === 0) this.#refuse("wrong_value");
      else {
        const tries = `${left} ${left === 1 ? "try" : "tries"} left`;
        this.#step = {
          step: "asking",
          problem: `That is not ${confirmValue}. Type it exactly as shown (${tries}), or press Cancel.`,
        };
      }
    } else {
      await this.#carryOut();
    }
    // Read again: the answer moved the page on (TypeScript keeps the narrowing from above).
    const step: Step = this.#step as Step;
    if (step.step !== "over") return this.#show(nonce);
    const question = this.#question();
    return { status: 200, html: (style) => outcomePage(question, step, style, this.#footer) };
  }

  /** The person's yes: read the preview again, and delete only what the page showed. */
  async #carryOut(): Promise<void> {
    this.#step = { step: "working" };
    const { deletion, detached } = this.#plan;
    let now: Shown<Fields>;
    try {
      now = await deletion.read(detached.via(this.#closing.signal));
    } catch (error) {
      this.#refused(asFailure(error));
      return;
    }
    if (
      cascadeDigest(deletion.binding, now.cascade) !==
      cascadeDigest(deletion.binding, this.#shown.cascade)
    ) {
      const change = deletion.change(this.#shown.cascade, now.cascade);
      this.#note = `What deleting ${deletion.name} takes changed since this page was shown (${change.words}). Here is what it takes now: read it again before you confirm.`;
      this.#shown = now;
      this.#page?.forgetNonces();
      this.#step = { step: "asking" };
      return;
    }
    if (this.#closing.signal.aborted) {
      this.#refuse("cancelled");
      return;
    }
    const by = this.#plan.channel.name;
    const { result, deleteSent } = await detached.run(by, (via) => deletion.carryOut(now, by, via));
    const text = "answer" in result ? result.answer.message : result.failure.message;
    this.#step = { step: "over", ok: "answer" in result, text: this.#plan.scrub(text) };
    this.#end({ type: "carried_out", by, result, deleteSent });
  }

  #refuse(answer: Exclude<PersonAnswer, "confirmed">): void {
    const { channel, deletion } = this.#plan;
    this.#refused(notConfirmed(answer, channel.name, deletion, this.#shown, "10 minutes"));
  }

  #refused(failure: ToolFailure): void {
    this.#step = { step: "over", ok: false, text: this.#plan.scrub(failure.message) };
    this.#end({ type: "refused", failure });
  }

  #end(outcome: RoomOutcome<Answer>): void {
    if (this.#settled) return;
    this.#settled = true;
    // Before the outcome: a channel tells the client the page is done ahead of the call's result.
    this.#markAnswered();
    this.#settle(outcome);
    this.#page?.close();
  }

  /** Where the page is served, for its footer: this computer, or this server for one person. */
  get #footer(): string | undefined {
    return this.#plan.channel.linkInResult === true
      ? "approval page for the signed-in person only"
      : undefined;
  }

  #question() {
    const question = {
      ...this.#shown.question,
      banners: this.#plan.banners,
      ...(this.#note === undefined ? {} : { note: this.#note }),
    };
    return scrubbedQuestion(question, this.#plan.scrub);
  }
}

/** A read that failed in a way of its own making is still a failure the page can show. */
function asFailure(error: unknown): ToolFailure {
  if (error instanceof ToolFailure) return error;
  return new ToolFailure(
    "unexpected_response",
    "Not deleted: reading what the deletion takes failed in an unexpected way inside this server.",
    "Do not assume anything about it: check in Woodpecker, and report this to whoever runs the server.",
    { retryable: false },
  );
}
