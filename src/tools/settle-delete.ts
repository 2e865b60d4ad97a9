import type { ErrorReason } from "../results/failure.js";
import { ApiError } from "../woodpecker/api-error.js";
import type { CallOptions, Reply, WoodpeckerClient } from "../woodpecker/client.js";
import type { HttpFailure, Meaning } from "./api-failure.js";
import { domainMeaning, isNotFound } from "./domain-reads.js";

/** What a DELETE ended in: Woodpecker's answer, or a read that settled an ambiguous one. */
export interface SentDelete {
  status: number;
  attempts: number;
  /** Set when a read settled an ambiguous answer: the target is gone, or being deleted. */
  settledBy?: "gone" | "being_deleted";
}

/**
 * Sends a DELETE. When its last answer came on a retry after an attempt that Woodpecker may have
 * carried out (a reset, a timeout, a 5xx), that answer alone does not tell what happened (a 404,
 * "already being deleted", or a 429 or 5xx that hides the earlier attempt's success): one more
 * read settles it. `settle` says how the target stands, or undefined when the read does not show
 * the earlier attempt landed; then, or when that read fails, the answer stands as it came, and
 * its message says the DELETE may have happened.
 */
export async function settledDelete(request: {
  send: (options: CallOptions) => Promise<Reply<undefined>>;
  options: CallOptions;
  meaning: (failure: HttpFailure) => Meaning | undefined;
  /** Reads the target with `read`: the call's options, less the DELETE's send notice. */
  settle: (said: ErrorReason | undefined, read: CallOptions) => Promise<SentDelete["settledBy"]>;
}): Promise<SentDelete> {
  try {
    const { status, attempts } = await request.send(request.options);
    return { status, attempts };
  } catch (error) {
    if (!(error instanceof ApiError) || !error.earlierMayHaveLanded) throw error;
    const said = error.reason.type === "http" ? request.meaning(error.reason)?.reason : undefined;
    // A read, not an attempt of the DELETE: it does not count as one.
    const { onSend: _notAnAttempt, ...read } = request.options;
    const settledBy = await request.settle(said, read).catch(() => undefined);
    if (settledBy === undefined) throw error;
    const status = error.reason.type === "http" ? error.reason.status : 0;
    return { status, attempts: error.attempts, settledBy };
  }
}

/**
 * DELETE /domains/{d}, settled by `GET /domains/{d}` when ambiguous: gone, or still there and
 * being deleted as Woodpecker said, is accepted.
 */
export function deleteDomainSettled(
  client: WoodpeckerClient,
  domainName: string,
  options: CallOptions,
): Promise<SentDelete> {
  return settledDelete({
    send: (sendOptions) => client.deleteDomain(domainName, sendOptions),
    options,
    meaning: domainMeaning(domainName),
    async settle(said, read) {
      try {
        await client.getDomain(domainName, read);
      } catch (readError) {
        if (isNotFound(readError)) return "gone";
        throw readError;
      }
      return said === "domain_deletion_in_progress" ? "being_deleted" : undefined;
    },
  });
}
