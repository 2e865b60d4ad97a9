import type { Logger } from "../logging/logger.js";
import type { SecretScrubber } from "../logging/secret.js";

// The types of a Woodpecker call, shared by the transport that makes it and the endpoints that
// name it.

export interface WoodpeckerClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxRetries: number;
  /** Requests of this key outstanding at Woodpecker at most; the others wait, in order. */
  maxInFlight: number;
  /** The first wait before a retry (FIRST_BACKOFF_MS); the client tests make it short. */
  firstBackoffMs?: number;
  /** Receives one debug line per attempt (its headers are redacted by the logger). */
  logger?: Logger;
  /** The key's scrubber, where one is held already (each builds tables of the key); else made. */
  scrubber?: SecretScrubber;
  /** Run once, as the first request is made (the stdio server sets its heap's growth then). */
  onFirstRequest?: () => void;
}

export interface RetryNotice {
  /** The attempt about to be made, starting at 2. */
  attempt: number;
  maxAttempts: number;
  reason: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** Called as each attempt leaves for Woodpecker (for a DELETE: from then on it may happen). */
  onSend?: () => void;
  /** What the caller sent: see SecretScrubber.knowing. */
  callerTexts?: readonly string[];
}

/** A documented success: what it carried, its status, and how many attempts it took. */
export interface Reply<T> {
  data: T;
  status: number;
  attempts: number;
}
