import type { PageHost } from "../confirmation/approval-page/page-server.js";
import type { ApprovalRooms } from "../confirmation/approval-page/rooms.js";
import type { SharedDeletes } from "../confirmation/shared-deletes.js";
import type { ShownCascades } from "../confirmation/shown-cascades.js";
import type { Config } from "../config/parse-cli.js";
import type { AuditTrail } from "../logging/audit.js";
import type { Logger } from "../logging/logger.js";
import type { SecretScrubber } from "../logging/secret.js";
import type { Account } from "../tools/define.js";
import type { CallsInFlight } from "./calls-in-flight.js";

/** What lives as long as the process, whatever carries the calls. */
export interface SharedState {
  shown: ShownCascades;
  deletes: SharedDeletes;
  /** The approval pages open, which outlive the calls that opened them. */
  rooms: ApprovalRooms;
}

/** What every tool call shares: configuration, the account, logs and the process's state. */
export interface ToolDependencies {
  config: Config;
  /** Absent when there is no API key and no sandbox: calls then answer not_configured. */
  account: Account | undefined;
  logger: Logger;
  audit: AuditTrail;
  scrubber: SecretScrubber;
  calls: CallsInFlight;
  shared: SharedState;
  /** How often a call waiting for a person reports progress. */
  heartbeatMs: number;
  /**
   * Remote mode (stateless HTTP): no form (its answer would come back in a request of its own),
   * and no approval page on this computer: with OAuth, the page on the server itself.
   */
  remote?: boolean;
  /** Remote mode with OAuth: the id of the client the caller signed in to, for the audit trail. */
  oauthClient?: string;
  /**
   * Remote mode with OAuth: serves an approval page on the main listener, for the browser signed
   * in to the account `account` (its fingerprint) alone.
   */
  approvalPages?: (account: string) => PageHost;
  /** Remote mode with OAuth: the client declared URL-mode elicitation when its session began. */
  clientShowsUrl?: boolean;
}
