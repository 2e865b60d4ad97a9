#!/usr/bin/env node
// The bin. On Node 22.1 and later it turns on Node's own on-disk compile cache before loading the
// server, so that starts after the first skip most of the compiling. Node keys that cache by the
// source's content and checks it, so an edited or upgraded server never runs stale code;
// NODE_COMPILE_CACHE picks its directory and NODE_DISABLE_COMPILE_CACHE=1 turns it off. On Node
// 20, which has no such cache, the server is simply loaded.
import module from "node:module";

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import("./main.js");
