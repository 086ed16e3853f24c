import type { Day } from './calendar.ts';
import type { Regime, Transport } from './profiles.ts';
import type { Rng } from './random.ts';

export type Status = 'pending' | 'granted' | 'active' | 'paused' | 'closed';
export type Outcome = 'granted' | 'partly_granted' | 'rejected';

/** State of one open case. Closed cases are dropped once no step refers to them. */
export interface Case {
  id: string;
  citizenId: string;
  birth: Day;
  birthMonth: string;
  received: Day;
  regime: Regime;
  requested: number;
  level: number;
  canAttendSheltered: boolean;
  /** Existing recipients registered at the start of the run (see simulate.ts). */
  initial: boolean;
  status: Status;
  outcome?: Outcome;
  decisionId: string;
  decided: Day;
  offerId: string;
  daysPerWeek: number;
  transport: Transport;
  /** Bit i set = attends on weekday i (0 = Monday). */
  mask: number;
  /** Probability that a planned day is a cancellation or no-show. */
  absence: number;
  highAbsence: boolean;
  /** Last service day while ending; Infinity while the service runs. */
  endDay: Day;
  inActive: boolean;
  /** Left recorded as §104 at an offer that moved to §82a (data-quality finding on purpose). */
  frozen: boolean;
}

export interface Complaint {
  id: string;
  decisionId: string;
  received: Day;
  outcome: Outcome;
}

/** All Monday–Friday patterns with n attendance days, by n. */
const MASKS: number[][] = [[], [], [], [], [], []];
for (let m = 1; m < 32; m++) {
  let n = 0;
  for (let b = m; b; b >>= 1) n += b & 1;
  MASKS[n]!.push(m);
}

export const weekdayMask = (rng: Rng, daysPerWeek: number): number => rng.pick(MASKS[daysPerWeek]!);

/** Most citizens miss 5–15 % of planned days; about one in ten misses 30–60 %. */
export function drawAbsence(rng: Rng): { absence: number; highAbsence: boolean } {
  const highAbsence = rng.chance(0.1);
  return { absence: highAbsence ? 0.3 + rng.next() * 0.3 : 0.05 + rng.next() * 0.1, highAbsence };
}
