import { describe } from "vitest";
import { NGINX } from "./nginx-process.js";

export { type Nginx, startNginx } from "./nginx-process.js";

// The load-balancer tests run a real nginx. Without it they say so and are skipped, except under
// CI, where they must run.

const MISSING = "nginx is missing: install it with `sudo apt-get install -y nginx`";

if (NGINX === undefined && process.env.CI === "true") throw new Error(MISSING);
if (NGINX === undefined) console.warn(`load-balancer tests skipped. ${MISSING}`);

export const describeWithNginx = NGINX === undefined ? describe.skip : describe;
