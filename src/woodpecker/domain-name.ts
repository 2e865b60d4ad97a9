import { domainToASCII } from "node:url";

export type DomainNameCheck = { ok: true; name: string } | { ok: false; reason: string };

const MAX_RAW_LENGTH = 1024;
const MAX_NAME_LENGTH = 253;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// Rejected up front for a clear reason; the label check after IDN conversion is what guarantees
// that nothing able to change the request path survives.
const FORBIDDEN = /[\s/\\?#%@:;,"'<>[\]{}|^`*+=&$!~()\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Normalizes a domain name: trim, drop one trailing dot, lowercase, internationalized labels to
 * punycode; then requires a plain multi-label hostname, so that nothing can change the request path.
 */
export function normalizeDomainName(raw: string): DomainNameCheck {
  if (raw.length > MAX_RAW_LENGTH) {
    return { ok: false, reason: `is longer than ${MAX_NAME_LENGTH} characters` };
  }
  let name = raw.trim();
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (name === "") return { ok: false, reason: "is empty" };
  if (FORBIDDEN.test(name)) {
    return {
      ok: false,
      reason:
        "contains a character that cannot appear in a domain name (such as / \\ ? # % @ : or a space)",
    };
  }
  const ascii = domainToASCII(name.toLowerCase());
  if (ascii === "" || !isPlainAscii(ascii)) {
    return { ok: false, reason: "is not a valid internationalized domain name" };
  }
  if (ascii.length > MAX_NAME_LENGTH) {
    return { ok: false, reason: `is longer than ${MAX_NAME_LENGTH} characters` };
  }
  const labels = ascii.split(".");
  if (labels.length < 2) {
    return { ok: false, reason: "needs at least two labels, like example.com" };
  }
  if (!labels.every((label) => LABEL.test(label))) {
    return {
      ok: false,
      reason:
        "has an invalid label: each label must be 1-63 letters, digits or hyphens, not starting or ending with a hyphen",
    };
  }
  if (/^\d+$/.test(labels.at(-1) ?? "")) {
    return { ok: false, reason: "ends in a numeric label; IP addresses are not domains" };
  }
  return { ok: true, name: ascii };
}

/**
 * Whether a name from Woodpecker is a plain hostname, as delete_domain's argument must be once
 * normalized: only such a name may appear in this server's own sentences.
 */
export function isPlainHostname(name: string): boolean {
  if (name.length > MAX_NAME_LENGTH) return false;
  const labels = name.toLowerCase().split(".");
  return (
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(labels.at(-1) ?? "")
  );
}

const EMAIL_LOCAL_PART = /^[A-Za-z0-9._%+-]{1,64}$/;

/** Whether a mailbox email from Woodpecker is plainly `local@hostname`, with nothing else in it. */
export function isPlainEmail(email: string): boolean {
  const at = email.lastIndexOf("@");
  return (
    at > 0 && EMAIL_LOCAL_PART.test(email.slice(0, at)) && isPlainHostname(email.slice(at + 1))
  );
}

function isPlainAscii(text: string): boolean {
  return /^[\x21-\x7e]+$/.test(text);
}
