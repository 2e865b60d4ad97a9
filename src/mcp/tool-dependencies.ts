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
   * Remote mode (stateless HTTP): no session to show a form in, no approval page on a remote
   * host, so the agent channel only.
   */
  remote?: boolean;
  /** Remote mode with OAuth: the id of the client the caller signed in to, for the audit trail. */
  oauthClient?: string;
  /**
   * Remote mode with OAuth: serves an approval page on the main listener, for the browser signed
   * in to the account `account` (its fingerprint) alone.
   */
  approvalPages?: (account: string) => PageHost;
}
