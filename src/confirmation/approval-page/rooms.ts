import { type Binding, TOKEN_TTL_MS } from "../preview-token.js";
import type { Said } from "../deletion.js";
import { ApprovalRoom, type RoomPlan } from "./room.js";

/** How many answered pages are remembered for the calls that come to learn their outcome. */
const MAX_ANSWERED = 200;

/**
 * The approval pages of this process, one per account and target at most: while one is open, no
 * second opens for the same deletion, and every call for it waits on that one. An answered page is
 * remembered for a while after, for the call that comes with its token to learn the outcome.
 */
export class ApprovalRooms {
  // Each room is stored under a key that names its tool, whose types are fixed: see `find`.
  readonly #rooms = new Map<string, ApprovalRoom<unknown, Said, unknown>>();
  #closed = false;

  /** The room for a deletion on an account, open or answered. */
  find<Fields, Answer extends Said, Via>(
    key: string,
  ): ApprovalRoom<Fields, Answer, Via> | undefined {
    return this.#rooms.get(key) as ApprovalRoom<Fields, Answer, Via> | undefined;
  }

  /**
   * Opens a room, in place of an answered one for the same key. Undefined once the server is
   * stopping. It is registered at once, so that a call arriving meanwhile waits on it.
   */
  open<Fields, Answer extends Said, Via>(
    key: string,
    plan: RoomPlan<Fields, Answer, Via>,
  ): ApprovalRoom<Fields, Answer, Via> | undefined {
    if (this.#closed) return undefined;
    const room = new ApprovalRoom(plan);
    this.#rooms.delete(key);
    this.#rooms.set(key, room as unknown as ApprovalRoom<unknown, Said, unknown>);
    const forget = setTimeout(
      () => {
        if (this.#rooms.get(key) === (room as unknown)) this.#rooms.delete(key);
      },
      // The outcome is kept for as long again after the page itself expired.
      plan.expiresAt.getTime() - Date.now() + TOKEN_TTL_MS,
    );
    forget.unref();
    this.#forgetOldest();
    return room;
  }

  /** At shutdown: every page still asking closes unanswered, and no new one opens. */
  close(): void {
    this.#closed = true;
    for (const room of this.#rooms.values()) room.close();
  }

  #forgetOldest(): void {
    const answered = [...this.#rooms].filter(([, room]) => !room.open);
    for (const [key] of answered.slice(0, Math.max(0, answered.length - MAX_ANSWERED))) {
      this.#rooms.delete(key);
    }
  }
}

/** One deletion on one account: the tool, its target, whether it is a rehearsal. */
export function roomKey(binding: Binding, account: string): string {
  return JSON.stringify([account, binding.tool, binding.target, binding.dryRun === true]);
}
