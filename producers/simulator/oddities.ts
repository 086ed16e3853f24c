import { weekday, type Day } from './calendar.ts';
import type { Run } from './run.ts';

/**
 * Rare, schema-valid data-quality findings that real feeds contain, so the data-quality report has
 * something to find: a registration for a case that was never opened, attendance after the service
 * ended, and attendance at an offer that was never registered. A few per municipality per year.
 */

const PER_YEAR = { strayCase: 2, afterEnd: 2, unknownOffer: 1 };
const WORKDAYS_PER_YEAR = 250;

export function addOddities(run: Run, day: Day): void {
  if (weekday(day) >= 5) return;
  const { rng, rec, profile, scale } = run;
  const p = scale / WORKDAYS_PER_YEAR;
  if (rng.chance(PER_YEAR.strayCase * p)) {
    // A provider registers attendance under a case number the municipality never opened.
    const caseId = `${profile.code}-u${(run.seq.stray++).toString(36).padStart(3, '0')}`;
    rec.case('AttendanceRegistered', caseId, day, { offerId: rng.pick(profile.offers).id, status: 'attended' });
  }
  if (rng.chance(PER_YEAR.afterEnd * p)) {
    const c = run.recentlyEnded.find((x) => x.status === 'closed' && x.endDay < day && day - x.endDay <= 30);
    if (c) rec.case('AttendanceRegistered', c.id, day, { offerId: c.offerId, status: 'attended' });
  }
  if (rng.chance(PER_YEAR.unknownOffer * p) && run.active.length > 0) {
    const c = rng.pick(run.active);
    if (c.status === 'active') rec.case('AttendanceRegistered', c.id, day, { offerId: `${profile.code}-o-ukendt`, status: 'attended' });
  }
}
