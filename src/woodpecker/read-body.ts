export interface BodyText {
  text: string;
  /** True when the body was longer than the cap and the rest was discarded. */
  truncated: boolean;
  /** Set when the body could not be read to its end (reset, or too slow). */
  failure?: string;
}

/**
 * Reads at most `maxBytes` of a response body within `timeoutMs`, then drops the rest, so a huge
 * or dripping body can neither exhaust memory nor hold the call open.
 */
export async function readBodyCapped(
  response: Response,
  maxBytes: number,
  timeoutMs: number,
): Promise<BodyText> {
  const body = response.body;
  if (body === null) return { text: "", truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  let failure: string | undefined;
  const timer = setTimeout(() => {
    failure = `the body did not arrive within ${timeoutMs} ms`;
    reader.cancel().catch(() => undefined);
  }, timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= maxBytes) {
        truncated = true;
        await reader.cancel();
        break;
      }
    }
  } catch {
    failure ??= "the connection closed before the body was complete";
  } finally {
    clearTimeout(timer);
  }
  const bytes = Buffer.concat(chunks).subarray(0, maxBytes);
  const text = new TextDecoder().decode(bytes);
  return failure === undefined ? { text, truncated } : { text, truncated, failure };
}
