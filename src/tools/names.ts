// The tool names, apart from the tools themselves so that the configuration can check
// WOODPECKER_ENABLED_TOOLS without loading them. A test keeps both lists in step with the tools.

export const TOOL_NAMES = [
  "list_domains",
  "get_domain",
  "delete_domain",
  "delete_mailbox",
  "delete_domains",
  "list_microsoft_credentials",
  "delete_microsoft_credential",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** The tools WOODPECKER_READ_ONLY=true keeps: those that only read. */
export const READ_ONLY_TOOL_NAMES: readonly ToolName[] = [
  "list_domains",
  "get_domain",
  "list_microsoft_credentials",
];
