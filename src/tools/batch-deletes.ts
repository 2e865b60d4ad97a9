import type { Shown } from "../confirmation/deletion.js";
import { nodeCrypto } from "../node-crypto.js";
import {
  COMMON_ERROR_KINDS,
  type ErrorKind,
  PartialFailure,
  ToolFailure,
} from "../results/failure.js";
import type { BatchDeletion, ConfirmedBy, Preview } from "../results/schema.js";
import type { WoodpeckerClient } from "../woodpecker/client.js";
import { explainFailures } from "./api-failure.js";
import type { BatchFields } from "./batch-preview.js";
import type { DeletionVia } from "./define.js";
import type { BatchAnswer } from "./delete-domains.js";
import { domainMeaning } from "./domain-reads.js";
import { deleteDomainSettled } from "./settle-delete.js";
import { countOf, displayDomain } from "./wording.js";

/** Failures that would fail every DELETE after them too: the rest are not sent. */
const FAILS_THEM_ALL: ReadonlySet<ErrorKind> = new Set([
  "unauthorized",
  "rate_limited",
  "cancelled",
]);

/**
 * Sends the DELETEs of the domains the person agreed to, one after another, each through the one
 * way a DELETE goes out (its own intent line, with the batch's id and its position), with
 * progress after each. One that fails does not stop the others, unless it would fail them all.
 */
export async function deleteEach(
  client: WoodpeckerClient,
  shown: Shown<BatchFields>,
  by: ConfirmedBy,
  via: DeletionVia,
): Promise<BatchAnswer> {
  const { preview } = shown.fields;
  const domains = preview.domains;
  const id = nodeCrypto().randomUUID();
  const deletions: BatchDeletion[] = [];
  const failures: ToolFailure[] = [];
  let stop: ToolFailure | undefined;
  for (const [index, domain] of domains.entries()) {
    if (stop !== undefined) {
      deletions.push(notSent(domain, stop));
      continue;
    }
    const name = domain.domain_name;
    let outcome;
    try {
      outcome = await explainFailures(
        via.sendDelete({
          key: `domain:${name}`,
          description: `DELETE /domains/${name}`,
          batch: { id, position: index + 1, size: domains.length, target: name },
          send: (options) => deleteDomainSettled(client, name, options),
        }),
        { step: "delete", what: `domain ${displayDomain(name)}`, meaning: domainMeaning(name) },
      );
    } catch (error) {
      if (!(error instanceof ToolFailure)) throw error;
      deletions.push(failed(name, error));
      failures.push(error);
      if (FAILS_THEM_ALL.has(error.kind)) stop = error;
      via.progress(`${index + 1} of ${domains.length}: the DELETE of ${name} failed`);
      continue;
    }
    if (outcome.dryRun) {
      return {
        status: "dry_run",
        preview,
        confirmed_by: by,
        message: `${shown.words} would be deleted: every check and the confirmation passed, but no DELETE was sent and nothing was deleted.`,
      };
    }
    const { sent } = outcome;
    deletions.push({
      domain_name: name,
      status: "deletion_accepted",
      ...(sent.settledBy === undefined
        ? { http_status: sent.status }
        : { verified_by_read: true as const }),
      attempts: sent.attempts,
      message: `Woodpecker accepted the deletion of ${displayDomain(name)}${sent.settledBy === undefined ? "" : " (an earlier attempt landed, as a read afterwards showed)"}.`,
    });
    via.progress(`${index + 1} of ${domains.length}: deletion of ${name} accepted`);
  }
  return answer(shown, by, deletions, failures);
}

/** All accepted: the answer. Some not: partially_accepted. None: the failure of the first. */
function answer(
  shown: Shown<BatchFields>,
  by: ConfirmedBy,
  deletions: BatchDeletion[],
  failures: readonly ToolFailure[],
): BatchAnswer {
  const { preview } = shown.fields;
  const accepted = deletions.filter((each) => each.status === "deletion_accepted");
  const after =
    "It cannot be undone and runs asynchronously: get_domain follows each domain, and answers not_found once it is gone.";
  if (accepted.length === deletions.length) {
    return {
      status: "deletion_accepted",
      preview,
      deletions,
      confirmed_by: by,
      message: `Woodpecker accepted the deletion of ${shown.words}. ${after}`,
    };
  }
  const notAccepted = deletions.filter((each) => each.status !== "deletion_accepted");
  const reasons = new Set(failures.map((each) => each.details.reason));
  // Every failure of a batch stands for itself in `deletions`; the error names the first.
  const [first] = failures;
  const kind = first?.kind ?? "unexpected_response";
  const reason = reasons.size === 1 ? first?.details.reason : undefined;
  const what = notAccepted.map((each) => each.message);
  const none = accepted.length === 0;
  const message = `${none ? "Not deleted: none" : `Woodpecker accepted the deletion of ${accepted.length}`} of the ${countOf(deletions.length, "domain", "domains")}${none ? " was accepted" : `; ${notAccepted.length} not`}. ${what.join(" ")}`;
  const hint = `${none ? "" : "Do not call again for the domains accepted (deletions lists each). "}For the others, see each one's kind and reason in deletions; call again only for those that may succeed, and only if the user still wants them deleted.`;
  const Failure = none ? ToolFailure : PartialFailure;
  throw new Failure(
    kind,
    message,
    hint,
    { ...(reason === undefined ? {} : { reason }), retryable: false },
    { preview, deletions },
  );
}

function failed(domainName: string, failure: ToolFailure): BatchDeletion {
  const reason = failure.details.reason;
  return {
    domain_name: domainName,
    status: "error",
    kind: requestKind(failure.kind),
    ...(reason === "domain_not_found" ||
    reason === "domain_not_ready" ||
    reason === "domain_deletion_in_progress"
      ? { reason }
      : {}),
    ...(failure.fields.http_status === undefined
      ? {}
      : { http_status: failure.fields.http_status }),
    ...(failure.fields.attempts === undefined ? {} : { attempts: failure.fields.attempts }),
    message: failure.message,
  };
}

function notSent(domain: Preview, stop: ToolFailure): BatchDeletion {
  return {
    domain_name: domain.domain_name,
    status: "not_sent",
    kind: requestKind(stop.kind),
    message: `Not sent: an earlier DELETE of this batch failed with ${stop.kind}, which would fail this one too.`,
  };
}

/** A DELETE's own failure is one of the kinds any Woodpecker request can end in. */
function requestKind(kind: ErrorKind): (typeof COMMON_ERROR_KINDS)[number] {
  return COMMON_ERROR_KINDS.find((each) => each === kind) ?? "unexpected_response";
}
