import { type CascadeChange, CONFIRMATION_REQUIRED, type ConfirmedBy } from "../results/schema.js";
import { ToolFailure } from "../results/failure.js";
import type { ApprovalRooms } from "./approval-page/rooms.js";
import type { Banner, PersonChannel, PersonQuestion } from "./person.js";
import { type Binding, type Cascade, cascadeDigest, type PreviewTokens } from "./preview-token.js";
import type { ShownCascades } from "./shown-cascades.js";

/** One reading of what a deletion would take, as the tool shows it. */
export interface Shown<Fields> {
  cascade: Cascade;
  /**
   * The cascade in words, safe to put in a hint: only plain names, emails and ids. "piedpiper.com
   * and its 3 mailboxes: richard@piedpiper.com, …"
   */
  words: string;
  /** A sentence for messages only, with Woodpecker's own text quoted as its own. */
  quoted?: string;
  /** Where the result lists every item, for the agent: "preview lists every mailbox". */
  listing?: string;
  /** What a person is asked about it (in a form or on the approval page). */
  question: Omit<PersonQuestion, "banners">;
  /** What every later result of the call carries: `{ preview }` or `{ credential }`. */
  fields: Fields;
}

/** How a cascade changed: in words, and in the tool's own result field when it has one. */
export interface ChangeReport {
  words: string;
  cascade_change?: CascadeChange;
}

/**
 * What a deleting tool hands the engine: its target, how to read its cascade, its words, and how
 * to carry the deletion out once confirmed. `Via` is how the tool reaches Woodpecker: a call's
 * own, or, for a deletion the approval page carries out after the call ended, one of its own.
 */
export interface Deletion<Fields, Answer, Via> {
  binding: Binding;
  /** The target in sentences: "piedpiper.com", "bücher.de (xn--bcher-kva.de)". */
  name: string;
  /** The value typed by the person, or relayed by the agent as `confirm`: "piedpiper.com". */
  confirmValue: string;
  /** "the domain name", "the credential id" */
  valueKind: string;
  /** Whether a typed or relayed value names the target. */
  accepts(value: string): boolean;
  /** Reads the preview, failing the call as nothing could be shown. */
  read(via: Via): Promise<Shown<Fields>>;
  change(before: Cascade, after: Cascade): ChangeReport;
  /** Sends the DELETE of what `shown` shows (or rehearses it) and says what came of it. */
  carryOut(shown: Shown<Fields>, by: ConfirmedBy, via: Via): Promise<Answer>;
}

/** Whatever a deletion answers: its own result, or the question to the person. */
export interface Said {
  status: string;
  message: string;
}

/**
 * A deletion carried out apart from any call (the approval page's), tracked and audited as a
 * call's would be.
 */
export interface Detached<Via> {
  /** For the page's reads, until `signal` aborts (when the page closes). */
  via(signal: AbortSignal): Via;
  /**
   * Runs `work` as a deletion of its own: audited, and drained at shutdown. Never rejects: a
   * failure is in `result`. `deleteSent` says whether a DELETE went out.
   */
  run<Answer extends Said>(
    by: ConfirmedBy,
    work: (via: Via) => Promise<Answer>,
  ): Promise<{ result: { answer: Answer } | { failure: ToolFailure }; deleteSent: boolean }>;
}

/** What the engine needs of the call and the server. */
export interface ConfirmationContext<Via> {
  /** The preview tokens of the account the call acts on. */
  tokens: PreviewTokens;
  shown: ShownCascades;
  /** The approval pages open in this process, by account and target. */
  rooms: ApprovalRooms;
  /** The account, for a room's key (its key's fingerprint) and in words for the page. */
  account: { id: string; words: string };
  /** The channels to a person this call has, in the order they are tried. */
  person: readonly PersonChannel[];
  /** WOODPECKER_CONFIRMATION: `person` turns the agent's relayed confirm off. */
  policy: "auto" | "person";
  signal: AbortSignal;
  /** Reports progress to the client while a person is being asked. */
  progress: (message: string) => void;
  heartbeatMs: number;
  /** WOODPECKER_ELICITATION_TIMEOUT_MS in words: "5 minutes". */
  waitLimit: string;
  /** WOODPECKER_PAGE_WAIT_MS: how long a call waits for the approval page's answer. */
  pageWaitMs: number;
  /** "Dry run: …" and "Sandbox: …", above what a person is shown. */
  banners: readonly Banner[];
  /** Removes the API key from what a page shows. */
  scrub: (text: string) => string;
  /** The call's own way to Woodpecker. */
  via: Via;
  detached: Detached<Via>;
  /** Tells the call who confirmed, and whether a DELETE it relied on went out elsewhere. */
  onConfirmed: (by: ConfirmedBy, sentElsewhere: boolean) => void;
}

/** The result a deleting tool returns when the person's yes is still needed. */
export type ConfirmationAnswer<Fields> = Fields & {
  status: typeof CONFIRMATION_REQUIRED;
  message: string;
  confirmation: {
    preview_token: string;
    expires_at: string;
    hint: string;
    reason?: "cascade_changed" | "token_expired" | "awaiting_person";
    approval_url?: string;
    cascade_change?: CascadeChange;
  };
};

export type Decision<Fields> =
  | { confirmed: true; by: ConfirmedBy; shown: Shown<Fields> }
  | { confirmed: false; answer: ConfirmationAnswer<Fields> };

/** Why a new question is asked of the agent instead of deleting. */
export type AskWhy =
  | { why: "first" }
  | { why: "no_token" }
  | { why: "no_confirm" }
  | { why: "token_expired" }
  | { why: "cascade_changed"; change: ChangeReport | undefined }
  | { why: "changed_while_asking"; change: ChangeReport }
  /** The approval page is open in the person's browser and not answered yet. */
  | { why: "awaiting_person"; until: Date; link?: string };

/**
 * `confirmation_required`: the preview, a fresh token bound to it, and words that tell the agent
 * to show it to the user and what to send back once they agreed.
 */
export function askForConfirmation<Fields>(
  deletion: Pick<Deletion<Fields, unknown, unknown>, "binding" | "name" | "confirmValue">,
  shown: Shown<Fields>,
  context: Pick<ConfirmationContext<unknown>, "tokens" | "shown" | "policy">,
  ask: AskWhy,
): { confirmed: false; answer: ConfirmationAnswer<Fields> } {
  const { token, expiresAt } = context.tokens.issue(deletion.binding, shown.cascade);
  context.shown.remember(cascadeDigest(deletion.binding, shown.cascade), shown.cascade);
  const { name, binding } = deletion;
  const takes = `It would delete ${shown.words}.`;
  const lead = {
    first: `Not deleted yet: deleting ${shown.words} cannot be undone, so it needs the user's confirmation.`,
    no_token: `Not deleted: confirm counts only together with the preview_token of the preview the user agreed to, and none came with it. ${takes}`,
    no_confirm: `Not deleted: preview_token came without confirm, which carries the user's yes. ${takes}`,
    token_expired: `Not deleted: the preview the user agreed to is more than 10 minutes old. ${takes}`,
    cascade_changed: `Not deleted: what deleting ${name} takes changed since the user was shown it${ask.why === "cascade_changed" && ask.change !== undefined ? ` (${ask.change.words})` : ""}. It would now delete ${shown.words}.`,
    changed_while_asking: `Not deleted: what deleting ${name} takes changed twice while the user was deciding${ask.why === "changed_while_asking" ? ` (${ask.change.words})` : ""}. It would now delete ${shown.words}.`,
    awaiting_person: `Not deleted yet: the user is being asked on an approval page in their browser to confirm deleting ${shown.words}. Nothing is deleted unless they confirm it there.`,
  }[ask.why];
  const until = `${expiresAt.toISOString().slice(11, 16)} UTC`;
  const again = ask.why === "first" || ask.why === "no_token" || ask.why === "no_confirm";
  const hint =
    ask.why === "awaiting_person" && ask.link !== undefined
      ? `Show the user approval_url as a link: the approval page, where they alone can confirm or cancel (it stays open until ${ask.until.toISOString().slice(11, 16)} UTC, in the browser where they signed in to this server). Once they say they answered it, call ${binding.tool} again with preview_token set to "${token}" (confirm is not needed) to learn the outcome.`
      : ask.why === "awaiting_person"
        ? `Tell the user that the approval page is open in their browser until ${ask.until.toISOString().slice(11, 16)} UTC, and that only they can confirm there. Once they say they answered it, call ${binding.tool} again with preview_token set to "${token}" (confirm is not needed) to learn the outcome.`
        : context.policy === "person"
          ? `Tell the user what would be deleted (the message names it). If they still want it deleted, call ${binding.tool} again without confirm: this server then asks them to confirm it themselves.`
          : `${again ? "Show the user what will be deleted" : "Show the user what would be deleted now"} (the message names it${shown.listing === undefined ? "" : `; ${shown.listing}`}). Ask them${again ? "" : " again"}; only if they agree, call ${binding.tool} again with confirm set to "${deletion.confirmValue}" and preview_token set to "${token}" (it expires at ${until}).`;
  const change = "change" in ask ? ask.change?.cascade_change : undefined;
  const reason =
    ask.why === "token_expired" || ask.why === "awaiting_person"
      ? ask.why
      : ask.why === "cascade_changed" || ask.why === "changed_while_asking"
        ? ("cascade_changed" as const)
        : undefined;
  return {
    confirmed: false as const,
    answer: {
      ...shown.fields,
      status: CONFIRMATION_REQUIRED,
      message: withQuoted(lead, shown),
      confirmation: {
        preview_token: token,
        expires_at: `${expiresAt.toISOString().slice(0, 19)}Z`,
        hint,
        ...(reason === undefined ? {} : { reason }),
        ...(ask.why === "awaiting_person" && ask.link !== undefined
          ? { approval_url: ask.link }
          : {}),
        ...(change === undefined ? {} : { cascade_change: change }),
      },
    },
  };
}

/** A refusal by the engine, carrying what was shown. */
export function refusal<Fields>(
  kind: "confirmation_mismatch" | "cancelled_by_user" | "person_required" | "cancelled",
  shown: Shown<Fields>,
  message: string,
  hint: string,
): ToolFailure {
  return new ToolFailure(
    kind,
    withQuoted(message, shown),
    hint,
    { retryable: false },
    shown.fields as ToolFailure["fields"],
  );
}

function withQuoted(message: string, shown: Shown<unknown>): string {
  return shown.quoted === undefined ? message : `${message} ${shown.quoted}`;
}
