import type { CaseEventType, Event, EventOf, OfferEventType } from '../../schemas/events.ts';
import { dayString, nextWorkday, type Day } from './calendar.ts';
import type { Outbox } from './outbox.ts';
import type { Rng } from './random.ts';

type DataOf<T extends OfferEventType | CaseEventType> = EventOf<T>['data'];

/**
 * Builds one municipality's events: envelope, event ids and the registration lag. Events are
 * plain objects in contract field order; zod is not used here (the tests validate the output).
 */
export class Recorder {
  /** The day being simulated: nothing can be recorded before the engine has reached it. */
  today: Day = 0;
  private count = 0;

  constructor(
    readonly municipality: string,
    readonly source: string,
    private readonly rng: Rng,
    private readonly outbox: Outbox,
  ) {}

  // Base-36 counters behind letters: an id can never hold a 10-digit run that looks like a CPR number.
  private nextId(): string {
    return `${this.municipality}-e${(this.count++).toString(36)}`;
  }

  /**
   * Most registrations are made the same or next working day. A few, where `late` is allowed
   * (attendance, follow-ups, ends, plans), are made 2–9 weeks later, so a case's events can
   * arrive out of business-date order.
   */
  private recordedDay(day: Day, late: boolean): Day {
    const u = this.rng.next();
    const lag = u < 0.55 ? 0 : u < 0.8 ? 1 : u < 0.92 ? 2 : u < 0.97 ? 3 : late ? 14 + Math.floor(((u - 0.97) / 0.03) * 47) : 3;
    return nextWorkday(Math.max(day + lag, this.today));
  }

  offer<T extends OfferEventType>(type: T, day: Day, data: DataOf<T>): void {
    const e = {
      eventId: this.nextId(),
      type,
      schemaVersion: 1,
      municipality: this.municipality,
      occurredOn: dayString(day),
      recordedAt: '',
      source: this.source,
      data,
    } as unknown as Event;
    this.outbox.put(e, Math.max(day, this.today));
  }

  case<T extends CaseEventType>(type: T, caseId: string, day: Day, data: DataOf<T>, late = false): void {
    const e = {
      eventId: this.nextId(),
      type,
      schemaVersion: 1,
      municipality: this.municipality,
      caseId,
      occurredOn: dayString(day),
      recordedAt: '',
      source: this.source,
      data,
    } as unknown as Event;
    this.outbox.put(e, this.recordedDay(day, late));
  }

  get emitted(): number {
    return this.count;
  }
}
