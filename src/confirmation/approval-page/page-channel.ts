import { type PersonChannel, scrubbedQuestion } from "../person.js";
import type { BrowserEvent } from "./open-browser.js";

/**
 * The `page` channel: this server opens the approval page in the person's browser itself. When
 * no browser could be opened before the page was shown, the person was not reached, and the
 * engine tries the next channel.
 */
export function pageChannel(options: {
  timeoutMs: number;
  /** The BROWSER variable, when set. */
  browser: string | undefined;
  platform: NodeJS.Platform;
  /** Removes the API key from every text the page shows. */
  scrub: (text: string) => string;
  onBrowser: (event: BrowserEvent) => void;
}): PersonChannel {
  return {
    name: "page",
    async ask(question, signal) {
      // Loaded the first time a page is served: most starts never serve one.
      const [{ serveApprovalPage }, { browserCommands, openBrowser }] = await Promise.all([
        import("./page-server.js"),
        import("./open-browser.js"),
      ]);
      const page = await serveApprovalPage(scrubbedQuestion(question, options.scrub), {
        timeoutMs: options.timeoutMs,
        signal,
      });
      const commands = browserCommands(page.url, options.browser, options.platform);
      void openBrowser(commands, options.onBrowser).failed.then(() => {
        if (!page.shown) page.withdraw();
      });
      return page.answer;
    },
  };
}
