import type { PageChannel } from "../person.js";
import type { BrowserEvent } from "./open-browser.js";

/**
 * The `page` channel: this server opens the approval page in the person's browser itself. When
 * no browser could be opened, the person was not reached.
 */
export function pageChannel(options: {
  /** The BROWSER variable, when set. */
  browser: string | undefined;
  platform: NodeJS.Platform;
  onBrowser: (event: BrowserEvent) => void;
}): PageChannel {
  return {
    name: "page",
    async deliver({ url }) {
      // Loaded the first time a page is served: most starts never serve one.
      const { browserCommands, openBrowser } = await import("./open-browser.js");
      const commands = browserCommands(url, options.browser, options.platform);
      await openBrowser(commands, options.onBrowser).failed;
      return "unreachable";
    },
  };
}
