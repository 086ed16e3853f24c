import type { Event } from '../../schemas/events.ts';
import { dayString, utcOffset, type Day } from './calendar.ts';

/**
 * Events wait here, bucketed by the day they are recorded, so the stream comes out in recordedAt
 * order even though late registrations are generated weeks before they are recorded. Only the
 * next RING days are held, which keeps memory bounded however long the run.
 */

const RING = 128;
/** Registrations fall between 07:00 and 17:00 local time. */
const OFFICE_START_S = 7 * 3600;
const OFFICE_SPAN_S = 10 * 3600;

const clock: string[] = [];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
for (let s = 0; s < OFFICE_SPAN_S; s++) {
  const t = OFFICE_START_S + s;
  clock.push(`${pad2(Math.floor(t / 3600))}:${pad2(Math.floor(t / 60) % 60)}:${pad2(t % 60)}`);
}

type Stampable = { recordedAt?: string };

export class Outbox {
  private readonly buckets: Event[][] = Array.from({ length: RING }, () => []);
  private next: Day;

  constructor(firstDay: Day) {
    this.next = firstDay;
  }

  /** The furthest ahead an event may be recorded, counted from the day being simulated. */
  static readonly horizon = RING - 8;

  put(event: Event, recordedDay: Day): void {
    // The engine never asks for more than `horizon` days ahead; clamp defensively instead of overwriting.
    const day = Math.min(Math.max(recordedDay, this.next), this.next + RING - 1);
    this.buckets[day % RING]!.push(event);
  }

  /**
   * Yield every bucket up to and including `through`, stamping recordedAt. Times are spread
   * evenly over the office day in bucket order, so the output is sorted by recordedAt.
   */
  *drain(through: Day): Generator<Event> {
    for (; this.next <= through; this.next++) {
      const bucket = this.buckets[this.next % RING]!;
      if (bucket.length === 0) continue;
      this.buckets[this.next % RING] = [];
      const prefix = `${dayString(this.next)}T`;
      const offset = utcOffset(this.next);
      const step = OFFICE_SPAN_S / bucket.length;
      for (let i = 0; i < bucket.length; i++) {
        const e = bucket[i]!;
        (e as Stampable).recordedAt = prefix + clock[Math.floor(i * step)]! + offset;
        yield e;
      }
    }
  }

  /** Everything still waiting: registrations recorded after the last simulated day. */
  *drainAll(): Generator<Event> {
    yield* this.drain(this.next + RING - 1);
  }
}
