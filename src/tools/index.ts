import type { AnyToolDefinition } from "./define.js";
import { deleteDomain } from "./delete-domain.js";
import { deleteDomains } from "./delete-domains.js";
import { deleteMailbox } from "./delete-mailbox.js";
import { deleteMicrosoftCredential } from "./delete-microsoft-credential.js";
import { getDomain } from "./get-domain.js";
import { listDomains } from "./list-domains.js";
import { listMicrosoftCredentials } from "./list-microsoft-credentials.js";

/** Every tool, in the order clients list them: each read tool before the deletion it informs. */
export const TOOLS: readonly AnyToolDefinition[] = [
  listDomains,
  getDomain,
  deleteDomain,
  deleteMailbox,
  deleteDomains,
  listMicrosoftCredentials,
  deleteMicrosoftCredential,
];
