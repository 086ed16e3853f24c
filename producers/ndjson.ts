/**
 * Events as NDJSON in chunks of about `chunkBytes`: few, large writes (a stream turn per event
 * would cost more than the event). `onEvent` counts events for a progress bar.
 */
export function* ndjsonChunks(events: Iterable<unknown>, { chunkBytes = 1 << 20, onEvent }: { chunkBytes?: number; onEvent?: () => void } = {}): Generator<Buffer> {
  let buf = '';
  for (const e of events) {
    buf += JSON.stringify(e) + '\n';
    onEvent?.();
    if (buf.length >= chunkBytes) {
      yield Buffer.from(buf);
      buf = '';
    }
  }
  if (buf.length > 0) yield Buffer.from(buf);
}
