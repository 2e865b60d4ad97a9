export interface SandboxMailbox {
  first_name: string;
  last_name: string;
  email: string;
  provider: string;
  status: "ORDERED" | "PAID";
  /** The Microsoft Graph credential the mailbox sends through. */
  credentialId?: number;
  /** Set when a deletion was accepted; the mailbox still reads as usual until it completes. */
  deletionInProgress?: boolean;
  /**
   * False for a mailbox that Woodpecker counts but does not list. Woodpecker documents only that
   * its count (every mailbox not deleted) and its list (the active ones) can differ; which state
   * such a mailbox is in is this sandbox's own invention.
   */
  listed?: boolean;
}

export interface SandboxDomain {
  /** ASCII (punycode) form, lowercase. */
  name: string;
  provider: string;
  isCustomDomain: boolean;
  isReady: boolean;
  /** Set when a deletion was accepted; the domain still reads as usual until it completes. */
  deletionInProgress: boolean;
  expires: string;
  created: string;
  maxMailboxes: number;
  mailboxes: SandboxMailbox[];
}

export interface SandboxCredential {
  credential_id: number;
  tenant_id: string;
  client_id: string;
  secret_expires_at: string;
  name: string;
}

export interface SandboxAccount {
  domains: SandboxDomain[];
  credentials: SandboxCredential[];
}

const mailbox = (
  first_name: string,
  last_name: string,
  email: string,
  provider: string,
  status: SandboxMailbox["status"],
  credentialId?: number,
): SandboxMailbox => ({
  first_name,
  last_name,
  email,
  provider,
  status,
  ...(credentialId === undefined ? {} : { credentialId }),
});

const unlisted = (mailbox: SandboxMailbox): SandboxMailbox => ({ ...mailbox, listed: false });

const domain = (
  name: string,
  provider: string,
  mailboxes: SandboxMailbox[],
  state: { isReady?: boolean; deletionInProgress?: boolean } = {},
): SandboxDomain => ({
  name,
  provider,
  isCustomDomain: false,
  isReady: state.isReady ?? true,
  deletionInProgress: state.deletionInProgress ?? false,
  expires: "2027-06-24T10:00:00",
  created: "2025-06-24T10:00:00",
  maxMailboxes: 5,
  mailboxes,
});

const credential = (
  credential_id: number,
  name: string,
  tenant_id: string,
  client_id: string,
): SandboxCredential => ({
  credential_id,
  name,
  tenant_id,
  client_id,
  secret_expires_at: "2027-11-28T23:59:59Z",
});

/**
 * The twelve sending domains an agency burned through: the cleanup a batch deletion is for. Each
 * has two connected mailboxes.
 */
export const BURNED_DOMAINS = [
  "bachmanity.io",
  "bachmanity-hq.com",
  "bachmanity-labs.com",
  "bachmanity-mail.com",
  "bachmanity-news.com",
  "bachmanity-team.com",
  "bachmanityapp.com",
  "getbachmanity.com",
  "hellobachmanity.com",
  "joinbachmanity.com",
  "meetbachmanity.com",
  "trybachmanity.com",
] as const;

const burned = (name: string): SandboxDomain =>
  domain(name, "GOOGLE", [
    mailbox("Erlich", "Bachman", `erlich@${name}`, "GOOGLE", "PAID"),
    mailbox("Nelson", "Bighetti", `bighead@${name}`, "GOOGLE", "PAID"),
  ]);

/**
 * A small account with every case worth rehearsing: a credential in use by the mailboxes of a
 * deletable domain, a free credential, a domain not ready yet, one already being deleted, an
 * internationalized name, a domain whose mailbox count is more than the mailboxes listed,
 * mailboxes not connected yet (ORDERED), and an agency's twelve burned domains.
 */
export function seedAccount(): SandboxAccount {
  return {
    domains: [
      domain("piedpiper.com", "MICROSOFT", [
        mailbox("Richard", "Hendricks", "richard@piedpiper.com", "MICROSOFT", "PAID", 22334455),
        mailbox("Bertram", "Gilfoyle", "gilfoyle@piedpiper.com", "MICROSOFT", "PAID", 22334455),
        mailbox("Dinesh", "Chugtai", "dinesh@piedpiper.com", "MICROSOFT", "ORDERED", 22334455),
      ]),
      domain("hooli.com", "GOOGLE", [
        mailbox("Gavin", "Belson", "gavin@hooli.com", "GOOGLE", "PAID"),
        mailbox("Denpok", "Singh", "denpok@hooli.com", "GOOGLE", "PAID"),
      ]),
      domain("xn--bcher-kva.de", "GOOGLE", [
        mailbox("Anna", "Buch", "info@xn--bcher-kva.de", "GOOGLE", "PAID"),
      ]),
      domain("endframe.com", "GOOGLE", [
        mailbox("Ed", "Chen", "ed@endframe.com", "GOOGLE", "PAID"),
        mailbox("Jack", "Barker", "jack@endframe.com", "GOOGLE", "ORDERED"),
        unlisted(mailbox("Old", "Account", "old@endframe.com", "GOOGLE", "PAID")),
      ]),
      domain(
        "aviato.com",
        "GOOGLE",
        [mailbox("Erlich", "Bachman", "erlich@aviato.com", "GOOGLE", "ORDERED")],
        {
          isReady: false,
        },
      ),
      domain(
        "raviga.com",
        "MICROSOFT",
        [mailbox("Monica", "Hall", "monica@raviga.com", "MICROSOFT", "PAID", 22334477)],
        { deletionInProgress: true },
      ),
      ...BURNED_DOMAINS.map(burned),
    ],
    credentials: [
      credential(
        22334455,
        "MS Graph app",
        "bbfb2db7-aaf4-4f7c-9dc2-2c9160d1cb32",
        "e1c6ac69-480e-4a17-9b85-3467967bd179",
      ),
      credential(
        22334466,
        "Old test app",
        "0f3c1a52-7d2e-4b8a-9c41-6e5d2b7a8f90",
        "5a9e2c71-3b4d-4f6a-8e1c-2d7b9f0a6c35",
      ),
      credential(
        22334477,
        "Raviga tenant",
        "7c2e9b14-5a3f-4d8e-b6c1-9f0e2a4d7b58",
        "c8d1f4a7-2e6b-4c9d-a3f5-1b7e0d9c2a46",
      ),
    ],
  };
}
