import type * as z from "zod";
import type { ToolDefinition } from "./define.js";
import { deleteDomain } from "./delete-domain.js";
import { deleteMicrosoftCredential } from "./delete-microsoft-credential.js";

export const TOOLS: readonly ToolDefinition<z.ZodObject>[] = [
  deleteDomain,
  deleteMicrosoftCredential,
];
