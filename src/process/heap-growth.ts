/**
 * For the stdio server, which runs on a person's computer beside their other servers and waits
 * most of the time: memory over throughput. Every request to Woodpecker is abortable, and undici
 * keeps an abortable fetch's objects reachable through weak references until the next full
 * collection. V8 lets the old generation grow to up to four times what is live before it
 * collects, so those objects would pile up into tens of MB over a few thousand calls. Growing it
 * by half of what is live instead keeps the server's memory close to what it uses, for a few more
 * collections. Remote mode keeps V8's default: there the tail latency under load matters more.
 * Set as the first request is made, so that a start does not load node:v8. A
 * --heap-growing-percent given to node in the client's args wins (V8's flags cannot be given in
 * NODE_OPTIONS).
 */
export function limitHeapGrowth(): void {
  if (process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) return;
  process.getBuiltinModule("node:v8").setFlagsFromString("--heap-growing-percent=50");
}
