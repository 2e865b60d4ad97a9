import * as z from "zod";
import { defineListTool } from "./list-tool.js";
import { countOf, domainFromWoodpecker } from "./wording.js";

export const listDomains = defineListTool({
  name: "list_domains",
  title: "List the domains of the Woodpecker account",
  description: [
    "Lists every domain of the Woodpecker account: its name, how many mailboxes it has, its provider, and whether it is ready. Read-only.",
    "Use it to find the exact name before get_domain or delete_domain.",
  ].join("\n\n"),
  items: {
    field: "domains",
    schema: z.object({
      domain_name: z.string(),
      mailboxes_count: z.number().int(),
      provider: z.string().nullable(),
      is_custom_domain: z.boolean(),
      is_ready: z.boolean(),
      expires: z.string().nullable(),
      created: z.string().nullable(),
    }),
    noun: ["domain", "domains"],
    label: (domain) => {
      const mailboxes = countOf(domain.mailboxes_count, "mailbox", "mailboxes");
      return `${domainFromWoodpecker(domain.domain_name)} (${mailboxes}${domain.is_ready ? "" : ", not ready"})`;
    },
  },
  list: (client, call) => client.listDomains(call),
});
