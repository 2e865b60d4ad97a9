import {
  askForConfirmation,
  type ConfirmationContext,
  type Decision,
  type Deletion,
  refusal,
  type Shown,
} from "./deletion.js";
import type { FormChannel, PersonAnswer, PersonChannelName } from "./person.js";
import { cascadeDigest } from "./preview-token.js";

/**
 * Asks the person in the client's form and waits. A yes counts only for what the person saw: the
 * preview is read again after they answer, and if it changed meanwhile they are asked again with
 * the new list (once; a second change is answered with a new question for the agent). Returns
 * "unreachable" when the form could not reach the person at all, so the next channel is tried.
 */
export async function askInForm<Fields, Answer, Via>(
  channel: FormChannel,
  deletion: Deletion<Fields, Answer, Via>,
  first: Shown<Fields>,
  context: ConfirmationContext<Via>,
): Promise<Decision<Fields> | "unreachable"> {
  let shown = first;
  let note: string | undefined;
  for (let round = 1; ; round += 1) {
    const question = {
      ...shown.question,
      banners: context.banners,
      ...(note === undefined ? {} : { note }),
    };
    const answer = await whileWaiting(channel.ask(question, context.signal), context);
    if (answer === "unreachable" && round === 1) return "unreachable";
    if (answer !== "confirmed") {
      throw notConfirmed(answer, "form", deletion, shown, context.waitLimit);
    }
    const now = await deletion.read(context.via);
    const same =
      cascadeDigest(deletion.binding, now.cascade) ===
      cascadeDigest(deletion.binding, shown.cascade);
    if (same) return { confirmed: true, by: channel.name, shown: now };
    const change = deletion.change(shown.cascade, now.cascade);
    if (round === 2) {
      return askForConfirmation(deletion, now, context, { why: "changed_while_asking", change });
    }
    note = `What deleting ${deletion.name} takes changed while you were deciding (${change.words}). Here is what it takes now.`;
    shown = now;
  }
}

/** Waits for the person, telling the client at regular intervals that the call is still alive. */
export async function whileWaiting<T>(
  answer: Promise<T>,
  context: Pick<ConfirmationContext<unknown>, "progress" | "heartbeatMs">,
): Promise<T> {
  context.progress("waiting for the user to confirm");
  const timer = setInterval(
    () => context.progress("still waiting for the user to confirm"),
    context.heartbeatMs,
  );
  try {
    return await answer;
  } finally {
    clearInterval(timer);
  }
}

/** The refusal for a person's answer that is not a yes, in the words of the channel it came by. */
export function notConfirmed<Fields>(
  answer: Exclude<PersonAnswer, "confirmed">,
  channel: PersonChannelName,
  deletion: Pick<Deletion<Fields, unknown, unknown>, "confirmValue">,
  shown: Shown<Fields>,
  waitLimit: string,
) {
  const where = channel === "form" ? "the confirmation prompt" : "the approval page";
  if (answer === "cancelled") {
    return refusal(
      "cancelled",
      shown,
      `Not deleted: the call was cancelled (by the client, or because this server is stopping) while the user was being asked. Untouched: ${shown.words}.`,
      "Call again only if the user still wants it deleted.",
    );
  }
  const why = {
    declined: `the user declined ${where}`,
    dismissed: `the user dismissed ${where}`,
    wrong_value: `the value typed on ${where} was not ${deletion.confirmValue}`,
    malformed: `the client's answer to ${where} was malformed`,
    no_answer: `${where} got no answer within ${waitLimit}`,
    client_error: `the client answered ${where} with an error, not with the person's answer`,
    unreachable: `${where} could not be shown again after what it takes changed`,
  }[answer];
  const setting = channel === "form" ? "WOODPECKER_ELICITATION" : "WOODPECKER_APPROVAL";
  const hint =
    answer === "declined" || answer === "dismissed" || answer === "wrong_value"
      ? "Do not call again unless the user asks again."
      : `If the user never saw ${where}, whoever runs this server can set ${setting}=off so that it asks another way.`;
  return refusal(
    "cancelled_by_user",
    shown,
    `Not deleted: ${why}. Untouched: ${shown.words}.`,
    hint,
  );
}
