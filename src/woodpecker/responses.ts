import * as z from "zod";
import { sanitize } from "./untrusted-text.js";

// The documented 200 bodies of the read endpoints, read into this server's own names: `domain`
// becomes `domain_name`, and the owner block and forwarding settings of a domain are dropped
// (an agent does not need a person's address or phone). Free text is sanitized; identifiers (a
// domain name, an email, a tenant or client id) are kept exactly as sent, so that the strict
// checks on them see what Woodpecker sent, not a cleaned-up copy of it. A body that does not fit
// is an unexpected response.

const text = (maxLength: number) => z.string().transform((value) => sanitize(value, maxLength));
/** An identifier: exactly as sent, within a length; whether it is plain is checked where used. */
const identifier = (maxLength: number) => z.string().max(maxLength);
const maybeText = (maxLength: number) =>
  z
    .string()
    .nullish()
    .transform((value) => (value == null ? null : sanitize(value, maxLength)));
const count = z.number().int().nonnegative();

const DomainSummary = z
  .object({
    domain: identifier(1_000),
    mailboxes_count: count,
    provider: maybeText(40),
    is_custom_domain: z.boolean(),
    is_ready: z.boolean(),
    expires: maybeText(40),
    created: maybeText(40),
  })
  .transform(({ domain, ...rest }) => ({ domain_name: domain, ...rest }));

const Mailbox = z.object({
  first_name: maybeText(100),
  last_name: maybeText(100),
  email: identifier(1_000),
  provider: maybeText(40),
  status: text(40),
});

const MicrosoftCredential = z.object({
  credential_id: z.number().int().positive(),
  name: maybeText(200),
  tenant_id: identifier(1_000),
  client_id: identifier(1_000),
  secret_expires_at: identifier(1_000)
    .nullish()
    .transform((value) => value ?? null),
});

export const DomainDetailsBody = z.object({
  is_ready: z.boolean(),
  provider: maybeText(40),
  mailboxes_count: count,
  max_mailboxes: count.nullish().transform((value) => value ?? null),
  all_mailboxes_are_ready: z
    .boolean()
    .nullish()
    .transform((value) => value ?? null),
  is_custom_domain: z.boolean(),
  expires: maybeText(40),
  created: maybeText(40),
});
export const DomainListBody = z.object({ domains: z.array(DomainSummary) });
export const MailboxListBody = z.object({ mailboxes: z.array(Mailbox) });
export const CredentialListBody = z.object({ credentials: z.array(MicrosoftCredential) });

export type DomainSummary = z.output<typeof DomainSummary>;
export type DomainDetails = z.output<typeof DomainDetailsBody>;
export type Mailbox = z.output<typeof Mailbox>;
export type MicrosoftCredential = z.output<typeof MicrosoftCredential>;
