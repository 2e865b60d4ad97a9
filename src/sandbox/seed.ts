export interface SandboxMailbox {
  email: string;
  provider: "google" | "microsoft" | "smtp";
  /** The Microsoft Graph credential the mailbox sends through. */
  credentialId?: number;
}

export interface SandboxDomain {
  name: string;
  isReady: boolean;
  deletionInProgress: boolean;
  mailboxes: SandboxMailbox[];
}

export interface SandboxAccount {
  domains: SandboxDomain[];
  credentialIds: number[];
}

/** A small account: one credential in use on a deletable domain, one free, and the edge cases. */
export function seedAccount(): SandboxAccount {
  return {
    domains: [
      {
        name: "piedpiper.com",
        isReady: true,
        deletionInProgress: false,
        mailboxes: [
          { email: "richard@piedpiper.com", provider: "google" },
          { email: "gilfoyle@piedpiper.com", provider: "microsoft", credentialId: 22334455 },
          { email: "dinesh@piedpiper.com", provider: "microsoft", credentialId: 22334455 },
        ],
      },
      {
        name: "hooli.com",
        isReady: true,
        deletionInProgress: false,
        mailboxes: [{ email: "gavin@hooli.com", provider: "microsoft", credentialId: 22334477 }],
      },
      {
        name: "aviato.com",
        isReady: false,
        deletionInProgress: false,
        mailboxes: [{ email: "erlich@aviato.com", provider: "smtp" }],
      },
      { name: "raviga.com", isReady: true, deletionInProgress: true, mailboxes: [] },
    ],
    credentialIds: [22334455, 22334466, 22334477],
  };
}
