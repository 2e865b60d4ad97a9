import { createHash, timingSafeEqual } from "node:crypto";

/** A secret as compared: its SHA-256, so that every comparison is of equal lengths. */
export function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Whether `sent` is one of the secrets `digests` were made from, in constant time for each. */
export function matchesOneOf(sent: string, digests: readonly Buffer[]): boolean {
  const candidate = digest(sent);
  let matched = false;
  for (const known of digests) matched = timingSafeEqual(candidate, known) || matched;
  return matched;
}
