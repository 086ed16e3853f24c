import { CURRENT_SCHEMA_VERSION } from './events.ts';

type RawEvent = Record<string, unknown>;

/**
 * Upcasters lift an event of schemaVersion n to n + 1. Older versions stay valid forever:
 * the log keeps what was received and projections see the current shape.
 * There is only version 1 so far, so the chain is empty.
 */
const upcasters: Record<number, (e: RawEvent) => RawEvent> = {};

export function upcast(event: RawEvent): RawEvent {
  let current = event;
  for (let v = current.schemaVersion as number; v < CURRENT_SCHEMA_VERSION; v++) {
    const step = upcasters[v];
    if (!step) throw new Error(`no upcaster from schemaVersion ${v}`);
    current = step(current);
  }
  return current;
}
