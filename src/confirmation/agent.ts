import {
  askForConfirmation,
  type ConfirmationContext,
  type Decision,
  type Deletion,
  refusal,
  type Shown,
} from "./deletion.js";

/**
 * The `agent` channel: the agent relays the person's yes as `confirm`, with the preview token of
 * the answer that showed them what goes. Without both, or with a token that no longer stands for
 * what the deletion takes, it answers with a new question; a token made for anything else is a
 * mismatch. A token exists only in an answer that was delivered, so no call sent before that
 * answer arrived can carry it.
 */
export function relayedByAgent<Fields>(
  deletion: Pick<
    Deletion<Fields, unknown, unknown>,
    "binding" | "name" | "confirmValue" | "change"
  >,
  shown: Shown<Fields>,
  relayed: { confirm: string | undefined; previewToken: string | undefined },
  context: Pick<ConfirmationContext<unknown>, "tokens" | "shown" | "policy">,
): Decision<Fields> {
  const ask = (why: Parameters<typeof askForConfirmation>[3]) =>
    askForConfirmation(deletion, shown, context, why);
  if (relayed.previewToken === undefined) {
    return ask({ why: relayed.confirm === undefined ? "first" : "no_token" });
  }
  const check = context.tokens.check(relayed.previewToken, deletion.binding, shown.cascade);
  if (!check.ok) {
    switch (check.problem) {
      case "foreign":
        throw refusal(
          "confirmation_mismatch",
          shown,
          `Not deleted: preview_token is not one this server issued for ${deletion.name} on this account (it was made for another target, tool or Woodpecker account, or it is damaged). It would delete ${shown.words}.`,
          `Do not reuse a token: call ${deletion.binding.tool} again without confirm to get a fresh preview and token, show the user what goes, and ask them.`,
        );
      case "expired":
        return ask({ why: "token_expired" });
      case "cascade_changed": {
        const before = context.shown.recall(check.shownDigest);
        const change = before === undefined ? undefined : deletion.change(before, shown.cascade);
        return ask({ why: "cascade_changed", change });
      }
    }
  }
  if (relayed.confirm === undefined) return ask({ why: "no_confirm" });
  return { confirmed: true, by: "agent", shown };
}
