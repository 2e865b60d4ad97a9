#!/usr/bin/env node
// The bin. On Node 22.1 and later it turns on Node's own on-disk compile cache before loading the
// server bundle, so that starts after the first skip most of the compiling. Node keys that cache
// by the source's content and checks it, so an edited or upgraded bundle never runs stale code;
// NODE_COMPILE_CACHE picks its directory and NODE_DISABLE_COMPILE_CACHE=1 turns it off. On Node
// 20, which has no such cache, the bundle is simply loaded.
import module, { createRequire } from "node:module";

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
createRequire(import.meta.url)("./server.cjs");
