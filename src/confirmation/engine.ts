import { relayedByAgent } from "./agent.js";
import type { ApprovalRoom } from "./approval-page/room.js";
import { roomKey } from "./approval-page/rooms.js";
import { askInForm, whileWaiting } from "./ask-person.js";
import {
  type ConfirmationAnswer,
  type ConfirmationContext,
  type Decision,
  type Deletion,
  refusal,
  type Said,
  type Shown,
} from "./deletion.js";
import type { PageChannel } from "./person.js";
import { TOKEN_TTL_MS } from "./preview-token.js";

/** What the agent passed: the person's yes as `confirm`, and the token of the preview they saw. */
export interface Relayed {
  confirm?: string | undefined;
  previewToken?: string | undefined;
}

/**
 * The one confirmation engine every deleting tool goes through: it reads the preview, then takes
 * a person's yes through the first channel that reaches them (form, then the approval page), else
 * the agent's relayed yes bound to the preview by its token, unless WOODPECKER_CONFIRMATION=person,
 * and carries the deletion out once confirmed. An approval page outlives the call: while one is
 * open for the deletion, every call for it waits on that page instead.
 */
export async function runDeletion<Fields, Answer extends Said, Via>(
  deletion: Deletion<Fields, Answer, Via>,
  relayed: Relayed,
  context: ConfirmationContext<Via>,
): Promise<Answer | ConfirmationAnswer<Fields>> {
  const key = roomKey(deletion.binding, context.account.id);
  const previewToken = present(relayed.previewToken);
  const pending = waitingRoom<Fields, Answer, Via>(context, key, previewToken);
  if (pending !== undefined) {
    const answered = await fromRoom(pending, context);
    // A page nobody could be shown: this call asks again, through its own channels.
    if (answered !== "unreachable") return answered;
  }
  const shown = await deletion.read(context.via);
  const confirm = present(relayed.confirm);
  if (confirm !== undefined && !deletion.accepts(confirm)) {
    throw refusal(
      "confirmation_mismatch",
      shown,
      `Not deleted: confirm does not name ${deletion.name}. It would delete ${shown.words}.`,
      `confirm must be ${deletion.valueKind} itself ("${deletion.confirmValue}"), not yes or true, and only once the user agreed to delete exactly what the preview shows.`,
    );
  }
  for (const channel of context.person) {
    if (channel.name === "form") {
      const decided = await askInForm(channel, deletion, shown, context);
      if (decided !== "unreachable") return carryOut(deletion, decided, context);
      continue;
    }
    const room =
      waitingRoom<Fields, Answer, Via>(context, key, undefined) ??
      (await openRoom(channel, deletion, shown, context, key));
    if (room === undefined) continue;
    const answered = await fromRoom(room, context);
    if (answered !== "unreachable") return answered;
  }
  if (context.policy === "person") {
    throw refusal(
      "person_required",
      shown,
      `Not deleted: this server takes a deletion's confirmation only from a person (WOODPECKER_CONFIRMATION=person), and it has no way to ask one here: this client shows no confirmation form, and no approval page could be opened. It would delete ${shown.words}.`,
      "Tell the user; they can delete it in Woodpecker themselves, or use a client that shows confirmation forms. Do not call again with confirm: it cannot count here.",
    );
  }
  const decision = relayedByAgent(deletion, shown, { confirm, previewToken }, context);
  return carryOut(deletion, decision, context);
}

function carryOut<Fields, Answer extends Said, Via>(
  deletion: Deletion<Fields, Answer, Via>,
  decision: Decision<Fields>,
  context: ConfirmationContext<Via>,
): Promise<Answer | ConfirmationAnswer<Fields>> | ConfirmationAnswer<Fields> {
  if (!decision.confirmed) return decision.answer;
  context.onConfirmed(decision.by, false);
  return deletion.carryOut(decision.shown, decision.by, context.via);
}

/**
 * The page a call waits on: one still open for this deletion, or one answered whose token the
 * call brings to learn the outcome.
 */
function waitingRoom<Fields, Answer extends Said, Via>(
  context: ConfirmationContext<Via>,
  key: string,
  previewToken: string | undefined,
): ApprovalRoom<Fields, Answer, Via> | undefined {
  const room = context.rooms.find<Fields, Answer, Via>(key);
  if (room === undefined) return undefined;
  if (room.open) return room;
  return previewToken !== undefined && room.tokens.has(previewToken) ? room : undefined;
}

async function openRoom<Fields, Answer extends Said, Via>(
  channel: PageChannel,
  deletion: Deletion<Fields, Answer, Via>,
  shown: Shown<Fields>,
  context: ConfirmationContext<Via>,
  key: string,
): Promise<ApprovalRoom<Fields, Answer, Via> | undefined> {
  const room = context.rooms.open(key, {
    deletion,
    shown,
    channel,
    account: context.account.words,
    banners: context.banners,
    tokens: context.tokens,
    shownCascades: context.shown,
    policy: context.policy,
    detached: context.detached,
    scrub: context.scrub,
    expiresAt: new Date(Date.now() + TOKEN_TTL_MS),
  });
  await room?.start();
  return room;
}

/**
 * Waits on the page at most WOODPECKER_PAGE_WAIT_MS: its outcome, or `awaiting_person` with a
 * token to come back with. A cancelled call leaves the page open: it is the person's.
 */
async function fromRoom<Fields, Answer extends Said, Via>(
  room: ApprovalRoom<Fields, Answer, Via>,
  context: ConfirmationContext<Via>,
): Promise<Answer | ConfirmationAnswer<Fields> | "unreachable"> {
  const ended = await whileWaiting(
    firstOf(room.outcome, context.pageWaitMs, context.signal),
    context,
  );
  if (ended === "time_up") return room.awaiting();
  if (ended === "aborted") {
    throw refusal(
      "cancelled",
      room.shown,
      `Not deleted yet: the call was cancelled while the user was being asked on the approval page in their browser, which stays open until they answer it or ${room.expiresAt.toISOString().slice(11, 16)} UTC. Nothing is deleted unless they confirm there.`,
      "Call again with the same target to learn the outcome once the user answered the page.",
    );
  }
  switch (ended.type) {
    case "unreachable":
      return "unreachable";
    case "refused":
      throw ended.failure;
    case "carried_out":
      context.onConfirmed(ended.by, ended.deleteSent);
      if ("failure" in ended.result) throw ended.result.failure;
      return ended.result.answer;
  }
}

/** The outcome, or what came first: the wait's end or the call's cancellation. */
function firstOf<T>(
  outcome: Promise<T>,
  waitMs: number,
  signal: AbortSignal,
): Promise<T | "time_up" | "aborted"> {
  if (signal.aborted) return Promise.resolve("aborted");
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<"time_up" | "aborted">((resolve) => {
    timer = setTimeout(() => resolve("time_up"), waitMs);
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([outcome, interrupted]).finally(() => {
    clearTimeout(timer);
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  });
}

/** A blank argument counts as none. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
