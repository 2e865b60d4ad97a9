/**
 * A tools/call request, as JSON text, whose arguments nest `depth` levels deep: written as text,
 * since JSON.stringify would itself run out of stack on such a value.
 */
export function deepToolCall(id: number, name: string, depth: number): string {
  const deep = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${name}","arguments":{"domain_name":"hooli.com","extra":${deep}}}}`;
}
