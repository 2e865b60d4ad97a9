import { relayedByAgent } from "./agent.js";
import { askPerson } from "./ask-person.js";
import {
  type ConfirmationContext,
  type Decision,
  type Deletion,
  refusal,
  type Shown,
} from "./deletion.js";

/** What the agent passed: the person's yes as `confirm`, and the token of the preview they saw. */
export interface Relayed {
  confirm?: string | undefined;
  previewToken?: string | undefined;
}

/**
 * The one confirmation engine both deleting tools call, after their preview: a person's yes
 * through the first channel that reaches them (form, then the approval page), else the agent's
 * relayed yes bound to the preview by its token, unless WOODPECKER_CONFIRMATION=person.
 */
export async function confirmDeletion<Fields>(
  deletion: Deletion<Fields>,
  shown: Shown<Fields>,
  relayed: Relayed,
  context: ConfirmationContext,
): Promise<Decision<Fields>> {
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
    const decided = await askPerson(channel, deletion, shown, context);
    if (decided !== "unreachable") return decided;
  }
  if (context.policy === "person") {
    throw refusal(
      "person_required",
      shown,
      `Not deleted: this server takes a deletion's confirmation only from a person (WOODPECKER_CONFIRMATION=person), and it has no way to ask one here: this client shows no confirmation form, and no approval page could be opened. It would delete ${shown.words}.`,
      "Tell the user; they can delete it in Woodpecker themselves, or use a client that shows confirmation forms. Do not call again with confirm: it cannot count here.",
    );
  }
  return relayedByAgent(
    deletion,
    shown,
    { confirm, previewToken: present(relayed.previewToken) },
    context,
  );
}

/** A blank argument counts as none. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
