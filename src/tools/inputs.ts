import * as z from "zod";
import { isPlainEmail, normalizeDomainName } from "../woodpecker/domain-name.js";

// Argument schemas shared by several tools. Messages do not name the argument: the
// invalid_input result does, once, in `fields`.

export const DomainNameInput = z
  .string()
  .transform((raw, ctx) => {
    const check = normalizeDomainName(raw);
    if (check.ok) return check.name;
    ctx.addIssue({ code: "custom", message: check.reason });
    return z.NEVER;
  })
  .describe(
    "The domain, e.g. piedpiper.com. Case, one trailing dot and internationalized names are normalized.",
  );

const NOT_AN_EMAIL =
  "must be a plain email address, local@domain, with only letters, digits and . _ % + - before the @";

export const EmailInput = z
  .string()
  .max(320)
  .transform((raw, ctx) => {
    const email = raw.trim().toLowerCase();
    const at = email.lastIndexOf("@");
    const domain = at > 0 ? normalizeDomainName(email.slice(at + 1)) : undefined;
    const normalized = domain?.ok === true ? `${email.slice(0, at)}@${domain.name}` : "";
    if (isPlainEmail(normalized)) return normalized;
    ctx.addIssue({ code: "custom", message: NOT_AN_EMAIL });
    return z.NEVER;
  })
  .describe(
    "The mailbox's email address, e.g. richard@piedpiper.com: on the domain given as domain_name. Case is ignored.",
  );

const NOT_AN_ID = "must be a positive whole number, or a string of its digits";
const TOO_LARGE = `is too large (at most ${Number.MAX_SAFE_INTEGER})`;

// Zod reports the problems of the branch whose type matched, so each check carries the message.
export const CredentialIdInput = z
  .union(
    [
      z
        .number(NOT_AN_ID)
        .int({ error: (issue) => (issue.code === "too_big" ? TOO_LARGE : NOT_AN_ID) })
        .positive(NOT_AN_ID),
      z.string(NOT_AN_ID).regex(/^\s*\d+\s*$/, NOT_AN_ID),
    ],
    NOT_AN_ID,
  )
  .transform((value, ctx) => {
    const id = typeof value === "number" ? value : Number(value.trim());
    if (id >= 1 && Number.isSafeInteger(id)) return id;
    ctx.addIssue({ code: "custom", message: id < 1 ? NOT_AN_ID : TOO_LARGE });
    return z.NEVER;
  })
  .describe(
    "The id of the Microsoft Graph app-only credential, e.g. 22334455 (list_microsoft_credentials lists them).",
  );

export const PreviewTokenInput = z
  .string()
  .max(100)
  .optional()
  .describe(
    "Leave out on the first call. With confirm: confirmation.preview_token from the confirmation_required answer whose preview the user agreed to, unchanged.",
  );
