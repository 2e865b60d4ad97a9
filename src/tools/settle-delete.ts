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
 * Sends a DELETE. When a retry follows an attempt that Woodpecker may have carried out (a reset,
 * a timeout, a 5xx) and is then refused for a reason the earlier attempt may have caused (the
 * target is gone, or already being deleted), one more read settles it: `settle` says how the
 * target stands, or undefined when the read does not show the earlier attempt landed. Then, or
 * when that read fails, the answer stands as it came.
 */
export async function settledDelete(request: {
  send: () => Promise<Reply<undefined>>;
  meaning: (failure: HttpFailure) => Meaning | undefined;
  settle: (said: ErrorReason) => Promise<SentDelete["settledBy"]>;
}): Promise<SentDelete> {
  try {
    const { status, attempts } = await request.send();
    return { status, attempts };
  } catch (error) {
    if (
      !(error instanceof ApiError) ||
      !error.earlierMayHaveLanded ||
      error.reason.type !== "http"
    ) {
      throw error;
    }
    const said = request.meaning(error.reason)?.reason;
    if (said === undefined) throw error;
    const settledBy = await request.settle(said).catch(() => undefined);
    if (settledBy === undefined) throw error;
    return { status: error.reason.status, attempts: error.attempts, settledBy };
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
    send: () => client.deleteDomain(domainName, options),
    meaning: domainMeaning(domainName),
    async settle(said) {
      if (said !== "domain_not_found" && said !== "domain_deletion_in_progress") return undefined;
      try {
        await client.getDomain(domainName, options);
      } catch (readError) {
        if (isNotFound(readError)) return "gone";
        throw readError;
      }
      return said === "domain_deletion_in_progress" ? "being_deleted" : undefined;
    },
  });
}
