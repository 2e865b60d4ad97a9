/**
 * Every request to Woodpecker is abortable, and undici keeps an abortable fetch's objects
 * reachable through weak references until the next full collection. V8 lets the old generation
 * grow to up to four times what is live before it collects, so those objects would pile up into
 * tens of MB over a few thousand calls. Growing it by half of what is live instead keeps the
 * server's memory close to what it uses, for a few more (concurrent) collections. Set when the
 * first request is made, so that a start does not load node:v8; a --heap-growing-percent given to
 * Node wins.
 */
export function limitHeapGrowth(): void {
  const nodeFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  if (/--heap[-_]growing[-_]percent/.test(nodeFlags)) return;
  process.getBuiltinModule("node:v8").setFlagsFromString("--heap-growing-percent=50");
}
