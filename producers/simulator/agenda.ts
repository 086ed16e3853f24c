import type { Day } from './calendar.ts';
import type { Case, Complaint } from './cases.ts';

/** What a scheduled step does; handlers live in applications.ts, services.ts and complaints.ts. */
export const Kind = {
  Assess: 0,
  NotifyExtension: 1,
  Withdraw: 2,
  Decide: 3,
  RecordActionPlan: 4,
  Start: 5,
  FollowUp: 6,
  Change: 7,
  End: 8,
  Restart: 9,
  ComplaintReceived: 10,
  CaseHandlingComplaint: 11,
  Reassess: 12,
  Forward: 13,
  Appeal: 14,
  Continue82a: 15,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface Action {
  kind: Kind;
  c: Case;
  complaint?: Complaint;
  /** Kind-specific small payload, e.g. an end reason index. */
  arg?: number;
}

/**
 * Future steps, one slot per simulated day. Only open cases have pending steps, so memory follows
 * the number of open cases, not the length of the run. Steps after the last day are dropped.
 */
export class Agenda {
  private readonly slots: (Action[] | undefined)[];
  private today: Day;

  constructor(
    private readonly from: Day,
    private readonly to: Day,
  ) {
    this.slots = new Array<Action[] | undefined>(to - from + 1);
    this.today = from;
  }

  at(day: Day, action: Action): void {
    if (day > this.to) return;
    // A step computed for a day already run happens today instead of being lost.
    const i = Math.max(day, this.today) - this.from;
    const slot = this.slots[i];
    if (slot) slot.push(action);
    else this.slots[i] = [action];
  }

  /**
   * Run the day's steps in order. A step may schedule another for the same day; it is appended
   * to the list being walked and runs in turn.
   */
  run(day: Day, handle: (a: Action) => void): void {
    this.today = day;
    const i = day - this.from;
    const slot = this.slots[i];
    if (!slot) return;
    for (let j = 0; j < slot.length; j++) handle(slot[j]!);
    this.slots[i] = undefined;
  }
}
