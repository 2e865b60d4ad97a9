import type { SandboxDomain } from "./seed.js";

// The read endpoints' 200 bodies, as the API reference describes them, from the simulated account.

export function domainSummary(domain: SandboxDomain) {
  return {
    domain: domain.name,
    mailboxes_count: domain.mailboxes.length,
    provider: domain.provider,
    is_custom_domain: domain.isCustomDomain,
    is_ready: domain.isReady,
    expires: domain.expires,
    created: domain.created,
  };
}

export function domainDetails(domain: SandboxDomain) {
  const [first] = domain.mailboxes;
  return {
    owner: {
      email: first?.email ?? `owner@${domain.name}`,
      first_name: first?.first_name ?? "Owner",
      last_name: first?.last_name ?? "Name",
      company_name: null,
      address: "5230 Newell Road",
      city: "Palo Alto",
      state: "CA",
      country: "US",
      zip_code: "94303",
      phone: "+1.6505550100",
    },
    email_forward_address: null,
    domain_redirect_url: `https://www.${domain.name}`,
    expires: domain.expires,
    created: domain.created,
    is_custom_domain: domain.isCustomDomain,
    is_ready: domain.isReady,
    provider: domain.provider,
    mailboxes_count: domain.mailboxes.length,
    max_mailboxes: domain.maxMailboxes,
    all_mailboxes_are_ready: domain.isReady,
  };
}

export function domainMailboxes(domain: SandboxDomain) {
  return {
    mailboxes: domain.mailboxes
      .filter((mailbox) => mailbox.listed !== false)
      .map(({ first_name, last_name, email, provider, status }) => ({
        first_name,
        last_name,
        email,
        provider,
        status,
      })),
  };
}
