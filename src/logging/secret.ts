export const REDACTED = "[redacted]";
// Secrets shorter than this are not scrubbed from free text: replacing every occurrence of a
// one- or two-character string would garble the text without protecting anything.
const MIN_SCRUBBED_SECRET_LENGTH = 6;

/** Replaces every occurrence of the secret in a string. */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length < MIN_SCRUBBED_SECRET_LENGTH) return text;
  return text.replaceAll(secret, REDACTED);
}
