import { pensionDay } from './ages.ts';
import { Kind } from './agenda.ts';
import { addMonths, isClosureDay, nextWorkday, weekday, type Day } from './calendar.ts';
import { weekdayMask, type Case } from './cases.ts';
import type { Transport } from './profiles.ts';
import { weighted, Weighted } from './random.ts';
import { pickOffer, type Run } from './run.ts';

/** A running service: start, attendance, follow-ups, changes and end. */

export const END_REASONS = ['citizen_request', 'not_benefiting', 'no_longer_eligible', 'moved', 'deceased', 'other'] as const;
export type EndReason = (typeof END_REASONS)[number] | 'legal_basis_changed';
const reasonIndex = (r: (typeof END_REASONS)[number]): number => END_REASONS.indexOf(r);
const PLANNED_END = new Weighted<number>([[0, 30], [1, 20], [2, 10], [3, 15], [4, 10], [5, 15]]);
const PARTICIPANTS = new Weighted<('citizen' | 'advisor' | 'provider' | 'relative')[]>([
  [['citizen', 'advisor', 'provider'], 70],
  [['citizen', 'advisor'], 15],
  [['advisor', 'provider'], 5],
  [['citizen', 'advisor', 'provider', 'relative'], 10],
]);
// Lejre §12 / Roskilde: many cancellations or little motivation lead to change or end more often.
const FOLLOW_UP_OUTCOME = weighted({ continue: 86, change: 8, end: 6 });
const FOLLOW_UP_OUTCOME_HIGH_ABSENCE = weighted({ continue: 55, change: 20, end: 25 });
const CHANGE_KIND = weighted({ days: 60, transport: 15, offer: 25 });
const LATE_FOLLOW_UP_SHARE = 0.15;
const MIN_SERVICE_DAYS = 60;

const prevWorkday = (day: Day): Day => {
  const w = weekday(day);
  return w === 5 ? day - 1 : w === 6 ? day - 2 : day;
};

/** Follow-ups are due 12 months after the start or the previous follow-up; most are held in time. */
function nextFollowUp(run: Run, after: Day): Day {
  const due = addMonths(after, 12);
  return run.rng.chance(LATE_FOLLOW_UP_SHARE) ? nextWorkday(due + run.rng.int(7, 60)) : prevWorkday(due - run.rng.int(2, 60));
}

function activate(run: Run, c: Case): void {
  c.status = 'active';
  c.endDay = Infinity;
  if (!c.inActive) {
    c.inActive = true;
    run.active.push(c);
  }
}

export function start(run: Run, c: Case, day: Day): void {
  if (c.status !== 'granted') return;
  const { rng, rec, agenda, profile } = run;
  if (run.offerBasis.get(c.offerId) !== 'SEL104') {
    // The granted offer left §104 before the start: the grant is moved to another §104 offer.
    c.offerId = pickOffer(run, day, c.regime, c.offerId);
    rec.case('GrantChanged', c.id, day, { decisionId: c.decisionId, offerId: c.offerId });
  }
  rec.case('ServiceStarted', c.id, day, { offerId: c.offerId, legalBasis: 'SEL104', citizenId: c.citizenId });
  c.mask = weekdayMask(rng, c.daysPerWeek);
  activate(run, c);

  let end = day + MIN_SERVICE_DAYS + Math.floor(rng.exp(profile.meanServiceYears * 365 - MIN_SERVICE_DAYS));
  let reason = PLANNED_END.draw(rng);
  if (profile.endsAtPensionAge) {
    // Roskilde: the target group ends at folkepensionsalder, so the grant ends the day before.
    const pension = pensionDay(c.birth);
    if (pension > day && pension - 1 < end) {
      end = pension - 1;
      reason = reasonIndex('no_longer_eligible');
    }
  }
  agenda.at(end, { kind: Kind.End, c, arg: reason });
  agenda.at(c.initial ? nextWorkday(day + rng.int(30, 330)) : nextFollowUp(run, day), { kind: Kind.FollowUp, c });
  if (c.regime.absenceDialogue && c.highAbsence) {
    // Lejre 2021 §12: many cancellations → a dialogue with citizen and provider (outside the yearly cycle).
    agenda.at(nextWorkday(day + rng.int(90, 150)), { kind: Kind.FollowUp, c, arg: 1 });
  }
}

/** arg 1 marks an extra dialogue meeting, which does not continue the yearly cycle. */
export function followUp(run: Run, c: Case, day: Day, extra: boolean): void {
  if (c.status !== 'active' && c.status !== 'paused') return;
  const { rng, agenda } = run;
  const table = c.highAbsence ? FOLLOW_UP_OUTCOME_HIGH_ABSENCE : FOLLOW_UP_OUTCOME;
  const outcome = c.frozen || c.status === 'paused' ? 'continue' : table.draw(rng);
  run.rec.case('FollowUpHeld', c.id, day, { participants: PARTICIPANTS.draw(rng), outcome }, true);
  if (outcome === 'end') {
    const reason = rng.chance(0.6) ? 'not_benefiting' : 'citizen_request';
    agenda.at(nextWorkday(day + rng.int(0, 30)), { kind: Kind.End, c, arg: reasonIndex(reason) });
    return;
  }
  if (outcome === 'change') agenda.at(nextWorkday(day + rng.int(7, 30)), { kind: Kind.Change, c });
  if (!extra) agenda.at(nextFollowUp(run, day), { kind: Kind.FollowUp, c });
}

export function change(run: Run, c: Case, day: Day): void {
  if (c.status !== 'active' || c.frozen) return;
  const { rng, rec, agenda } = run;
  const kind = CHANGE_KIND.draw(rng);
  if (kind === 'days') {
    // Citizens who are often absent tend to go down; the others up or down.
    const down = c.daysPerWeek === 5 || (c.daysPerWeek > 1 && (c.highAbsence || rng.chance(0.5)));
    c.daysPerWeek += down ? -1 : 1;
    c.mask = weekdayMask(rng, c.daysPerWeek);
    rec.case('GrantChanged', c.id, day, { decisionId: c.decisionId, daysPerWeek: c.daysPerWeek });
  } else if (kind === 'transport') {
    const options: Transport[] = (['none', 'public', 'arranged'] as const).filter((t) => t !== c.transport);
    c.transport = rng.pick(options);
    rec.case('GrantChanged', c.id, day, { decisionId: c.decisionId, transport: c.transport });
  } else {
    // Contract: a change of offer is ServiceEnded at the old offer and ServiceStarted at the new.
    pause(run, c, day, 'other');
    agenda.at(nextWorkday(day + rng.int(1, 21)), { kind: Kind.Restart, c });
  }
}

/** End the service at the current offer with `day` as the last service day, keeping the case open. */
export function pause(run: Run, c: Case, day: Day, reason: EndReason): void {
  run.rec.case('ServiceEnded', c.id, day, { offerId: c.offerId, reason }, true);
  c.status = 'paused';
  c.endDay = day;
}

export function restart(run: Run, c: Case, day: Day): void {
  if (c.status !== 'paused') return;
  c.offerId = pickOffer(run, day, c.regime, c.offerId);
  run.rec.case('ServiceStarted', c.id, day, { offerId: c.offerId, legalBasis: 'SEL104', citizenId: c.citizenId });
  run.rec.case('GrantChanged', c.id, day, { decisionId: c.decisionId, offerId: c.offerId });
  c.mask = weekdayMask(run.rng, c.daysPerWeek);
  activate(run, c);
}

const RECENT_ENDS = 16;

export function end(run: Run, c: Case, day: Day, reason: EndReason): void {
  if (c.frozen) return;
  if (c.status === 'active') {
    run.rec.case('ServiceEnded', c.id, day, { offerId: c.offerId, reason }, true);
    c.endDay = day;
    run.recentlyEnded.push(c);
    if (run.recentlyEnded.length > RECENT_ENDS) run.recentlyEnded.shift();
  }
  if (c.status === 'active' || c.status === 'paused') c.status = 'closed';
}

export const endReason = (arg: number | undefined): EndReason => END_REASONS[arg ?? 0] ?? 'other';

/**
 * One AttendanceRegistered per planned weekday of every running service; this loop makes most of
 * the events, so it does no more than a mask test and one random draw per citizen.
 */
export function registerAttendance(run: Run, day: Day): void {
  const w = weekday(day);
  if (w >= 5) return;
  const closed = isClosureDay(day);
  const bit = 1 << w;
  const { active, rng, rec } = run;
  for (let i = 0; i < active.length; ) {
    const c = active[i]!;
    if (c.endDay < day) {
      // Swap-remove: order changes, but deterministically.
      active[i] = active[active.length - 1]!;
      active.pop();
      c.inActive = false;
      continue;
    }
    i++;
    if (closed || (c.mask & bit) === 0) continue;
    const u = rng.next();
    const status = u >= c.absence ? 'attended' : u < c.absence * 0.75 ? 'cancelled' : 'no_show';
    rec.case('AttendanceRegistered', c.id, day, { offerId: c.offerId, status }, true);
  }
}
