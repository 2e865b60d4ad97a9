import { defineListTool } from "./list-tool.js";
import { CredentialSummarySchema } from "../results/schema.js";
import { quotedFromWoodpecker } from "./wording.js";

export const listMicrosoftCredentials = defineListTool({
  name: "list_microsoft_credentials",
  title: "List the Microsoft Graph credentials",
  description: [
    "Lists the Microsoft Graph app-only credentials of the Woodpecker account: id, name, tenant, client and when the secret expires (never the secret itself). Read-only.",
    "Use it to find the id before delete_microsoft_credential. It does not say which mailboxes use a credential: Woodpecker refuses to delete one while a mailbox does.",
  ].join("\n\n"),
  items: {
    field: "credentials",
    schema: CredentialSummarySchema,
    noun: ["Microsoft credential", "Microsoft credentials"],
    // Woodpecker's name for it, quoted as Woodpecker's.
    label: ({ credential_id, name }) =>
      `${credential_id}${name === null ? "" : ` ${quotedFromWoodpecker(name)}`}`,
  },
  list: (client, call) => client.listMicrosoftCredentials(call),
});
