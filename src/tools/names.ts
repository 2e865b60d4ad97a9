export const TOOL_NAMES = ["delete_domain", "delete_microsoft_credential"] as const;
export type ToolName = (typeof TOOL_NAMES)[number];
