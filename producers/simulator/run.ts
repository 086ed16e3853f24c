import { toDay, type Day } from './calendar.ts';
import type { Agenda } from './agenda.ts';
import type { Case } from './cases.ts';
import type { Profile, Regime } from './profiles.ts';
import type { Rng } from './random.ts';
import type { Recorder } from './recorder.ts';

/** Everything one municipality's simulation holds. */
export interface Run {
  profile: Profile;
  rng: Rng;
  rec: Recorder;
  agenda: Agenda;
  from: Day;
  to: Day;
  scale: number;
  /** Cases whose service is running (or ended today); attendance is generated from this list. */
  active: Case[];
  offerBasis: Map<string, 'SEL104' | 'SEL82a'>;
  /** Offers that will change legal basis on the given day: no new §104 placements shortly before. */
  closing: Map<string, Day>;
  regimeStarts: Day[];
  seq: { case: number; citizen: number; decision: number; complaint: number; stray: number };
  /** A few recently ended cases, for the "attendance outside any service period" oddity. */
  recentlyEnded: Case[];
}

export function regimeFor(run: Run, received: Day): Regime {
  let i = 0;
  while (i + 1 < run.regimeStarts.length && received >= run.regimeStarts[i + 1]!) i++;
  return run.profile.regimes[i]!;
}

const b36 = (n: number): string => n.toString(36).padStart(4, '0');

// Ids are the municipality code, a letter and a base-36 counter: never CPR-like digit runs.
export const newCaseId = (run: Run): string => `${run.profile.code}-c${b36(run.seq.case++)}`;
export const newCitizenId = (run: Run): string => `${run.profile.code}-p${b36(run.seq.citizen++)}`;
export const newDecisionId = (run: Run): string => `${run.profile.code}-d${b36(run.seq.decision++)}`;
export const newComplaintId = (run: Run): string => `${run.profile.code}-k${b36(run.seq.complaint++)}`;

/** Placements are made 60 days or more before an offer's move to §82a, never after it. */
const PLACEMENT_FREEZE_DAYS = 60;

/** Choose a §104 offer for a grant or a change of offer on `day`, optionally avoiding one offer. */
export function pickOffer(run: Run, day: Day, regime: Regime, avoid?: string): string {
  let total = 0;
  const ids: string[] = [];
  const weights: number[] = [];
  for (const [id, w] of Object.entries(regime.offerWeights)) {
    if (id === avoid || run.offerBasis.get(id) !== 'SEL104') continue;
    const closes = run.closing.get(id);
    if (closes !== undefined && day >= closes - PLACEMENT_FREEZE_DAYS) continue;
    ids.push(id);
    weights.push(w);
    total += w;
  }
  let u = run.rng.next() * total;
  for (let i = 0; i < ids.length; i++) {
    u -= weights[i]!;
    if (u < 0) return ids[i]!;
  }
  return ids[ids.length - 1] ?? avoid ?? run.profile.offers[0]!.id;
}

export const parseRegimeStarts = (profile: Profile): Day[] => profile.regimes.map((r) => toDay(r.from));
