import type { PageHost } from "./approval-page/page-server.js";

// A person's yes, through a channel the client or this machine offers: a form in the client
// (`form`), or the approval page, offered by the client (`url`) or opened by this server (`page`).

export type PersonChannelName = "form" | "url" | "page";

/** What a person is asked: the target, everything that goes, and what to type. */
export interface PersonQuestion {
  /** "Delete piedpiper.com for good?" */
  title: string;
  /** "Its 3 mailboxes are deleted with it and cannot be recovered:" */
  lead: string;
  /** Every item that goes, as the person sees it; a form shows the first ten. */
  items: readonly string[];
  /**
   * Several targets at once (a batch): each with its heading and every item that goes with it;
   * a form shows the first ten items of each.
   */
  sections?: readonly QuestionSection[];
  /** "Type the domain name to confirm." */
  instruction: string;
  /** The form field's title: "Type piedpiper.com to delete it". */
  fieldTitle: string;
  /** Whether what the person typed names the target. */
  accepts: (typed: string) => boolean;
  /** What is said above everything else: "Dry run: …", "Sandbox: …". */
  banners: readonly Banner[];
  /** When asking again: what changed since the person was last asked. */
  note?: string;
}

export interface QuestionSection {
  /** "piedpiper.com: 3 mailboxes" */
  heading: string;
  items: readonly string[];
}

export interface Banner {
  kind: "dry_run" | "sandbox";
  text: string;
}

/** How the person answered, already checked against the target. */
export type PersonAnswer =
  | "confirmed"
  | "declined"
  | "dismissed"
  | "wrong_value"
  | "malformed"
  | "no_answer"
  /** The client answered with an error: it may never have shown the question. */
  | "client_error"
  /** The call was cancelled while the person was being asked. */
  | "cancelled"
  /** The channel could not reach the person (no browser could be opened): try the next one. */
  | "unreachable";

/** The client's form: asked and answered within one call. */
export interface FormChannel {
  readonly name: "form";
  /** Asks and waits, at most WOODPECKER_ELICITATION_TIMEOUT_MS, or until `signal` aborts. */
  ask(question: PersonQuestion, signal: AbortSignal): Promise<PersonAnswer>;
}

/**
 * The approval page, which outlives the call that opened it: this channel only brings its
 * address to the person, by opening their browser (`page`) or through the client (`url`).
 */
export interface PageChannel {
  readonly name: "url" | "page";
  /** Where the page is served; unset: on a loopback port of its own (see page-server.ts). */
  readonly host?: PageHost;
  /**
   * Whether the page's address goes in the result too, for the agent to show as a link: only
   * where the page opens for nobody but the signed-in person (remote mode with OAuth).
   */
  readonly linkInResult?: boolean;
  /**
   * Brings the page's address to the person. Resolves with `unreachable` when it could not
   * (the page is then withdrawn if nobody saw it), with a refusal when the person turned it down
   * before seeing it, and stays pending (or resolves `confirmed`) once it reached them. `signal`
   * aborts when the page closes; `answered` settles once the page was answered.
   */
  deliver(
    page: { url: string; title: string },
    signal: AbortSignal,
    answered: Promise<void>,
  ): Promise<PersonAnswer>;
}

export type PersonChannel = FormChannel | PageChannel;

/** The question with every text passed through `scrub` (the key's scrubber). */
export function scrubbedQuestion(
  question: PersonQuestion,
  scrub: (text: string) => string,
): PersonQuestion {
  return {
    ...question,
    title: scrub(question.title),
    lead: scrub(question.lead),
    items: question.items.map(scrub),
    ...(question.sections === undefined
      ? {}
      : {
          sections: question.sections.map((section) => ({
            heading: scrub(section.heading),
            items: section.items.map(scrub),
          })),
        }),
    instruction: scrub(question.instruction),
    fieldTitle: scrub(question.fieldTitle),
    banners: question.banners.map((banner) => ({ ...banner, text: scrub(banner.text) })),
    ...(question.note === undefined ? {} : { note: scrub(question.note) }),
  };
}
