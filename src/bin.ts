#!/usr/bin/env node
// The bin: Node's runtime settings for the server, then the server.
//
// On Node 22.1 and later it turns on Node's own on-disk compile cache, so that starts after the
// first skip most of the compiling. Node keys that cache by the source's content and checks it,
// so an edited or upgraded server never runs stale code; NODE_COMPILE_CACHE picks its directory
// and NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has no such cache.
//
// Every request to Woodpecker is abortable, and undici keeps an abortable fetch's objects reachable
// through weak references until the next full collection. V8 lets the old generation grow to up
// to four times what is live before it collects, so those objects would pile up into tens of MB.
// Growing it by half of what is live instead keeps the server's memory close to what it uses, for
// a few more (concurrent) collections. A --heap-growing-percent given to Node wins.
import module from "node:module";
import { setFlagsFromString } from "node:v8";

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const nodeFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
if (!/--heap[-_]growing[-_]percent/.test(nodeFlags))
  setFlagsFromString("--heap-growing-percent=50");
await import("./main.js");
