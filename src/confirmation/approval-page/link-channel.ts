import type { PageChannel } from "../person.js";
import type { PageHost } from "./page-server.js";

/**
 * Remote mode with OAuth, where the client shows no URL form: the page's address goes to the
 * agent in the result (`approval_url`), to show the person as a link. Only the person, signed in
 * to this server in their browser, can open it. Once handed over, the person counts as reached.
 */
export function linkChannel(host: PageHost): PageChannel {
  return {
    name: "page",
    host,
    linkInResult: true,
    deliver: (_page, signal, answered) =>
      new Promise((resolve) => {
        if (signal.aborted) resolve("cancelled");
        signal.addEventListener("abort", () => resolve("cancelled"), { once: true });
        void answered.then(() => resolve("confirmed"));
      }),
  };
}
