// Text that comes from Woodpecker (or from the network) is untrusted: it may carry control
// characters, look like instructions, or be huge. It is cleaned here before anything keeps it.

/**
 * Deletes format characters (zero-width and direction marks, which could hide inside a word),
 * turns control characters into spaces, folds white space, and caps the length.
 */
export function sanitize(value: string, maxLength: number): string {
  const clean = value
    .replace(/[\p{Cf}]+/gu, "")
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}
