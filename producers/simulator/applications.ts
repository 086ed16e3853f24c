import { birthForAge, pensionDay } from './ages.ts';
import { Kind } from './agenda.ts';
import { dayString, isWeekend, monthString, nextWorkday, type Day } from './calendar.ts';
import { drawAbsence, type Case, type Complaint, type Outcome } from './cases.ts';
import type { Regime, Transport } from './profiles.ts';
import { weighted, Weighted } from './random.ts';
import { newCaseId, newCitizenId, newComplaintId, newDecisionId, pickOffer, regimeFor, type Run } from './run.ts';

/** From application to decision: ApplicationReceived, assessment, deadline notice, withdrawal, decision. */

const REQUESTED_DAYS = new Weighted<number>([[1, 10], [2, 25], [3, 30], [4, 20], [5, 15]]);
const CHANNEL = weighted({ oral: 25, written: 45, digital: 30 });
const SUBMITTED_BY = weighted({ citizen: 60, relative: 30, other: 10 });
/** Age bands in years at application for adults in the target group. */
const AGE_BAND = new Weighted<readonly [number, number]>([[[18, 24], 18], [[25, 39], 30], [[40, 54], 30], [[55, 66], 22]]);
const BASE_REJECTION = weighted({ other_legislation: 50, other: 30, not_target_group: 20 });
const EXTENSION_REASON = ['Afventer lægelige oplysninger', 'Udredningen er ikke afsluttet', 'Afventer svar fra leverandør', 'Stor sagsmængde'];
const WITHDRAWN_SHARE = 0.06;
const SHELTERED_SHARE = 0.06;
/** Share of decisions complained about, by outcome: rejections and partial grants draw most. */
const COMPLAINT_SHARE: Record<Outcome, number> = { rejected: 0.15, partly_granted: 0.12, granted: 0.005 };
const LATE_COMPLAINT_SHARE = 0.15;

const transportTables = new WeakMap<object, Weighted<Transport>>();
function drawTransport(run: Run): Transport {
  let t = transportTables.get(run.profile);
  if (!t) transportTables.set(run.profile, (t = weighted(run.profile.transport)));
  return t.draw(run.rng);
}

function processingDays(run: Run, regime: Regime): number {
  const p = regime.processing;
  if (run.rng.chance(p.tailShare)) return p.hi + 1 + Math.floor(run.rng.exp(p.tailMeanDays));
  return Math.round(run.rng.triangular(p.lo, p.mode, p.hi));
}

function drawLevel(run: Run, regime: Regime, initial: boolean): number {
  // Existing recipients at the start were granted under the rules: keep them in the target group.
  const w = regime.levelWeights.map((x, level) => (initial && level < regime.targetLevel ? 0 : x));
  let u = run.rng.next() * w.reduce((a, b) => a + b, 0);
  for (let level = 0; level < 5; level++) if ((u -= w[level]!) < 0) return level;
  return 4;
}

/** Birth (first day of the birth month) for an applicant; decisionDay lets exceptions land on purpose. */
function drawBirth(run: Run, received: Day, decisionDay: Day, initial: boolean): Day {
  const { rng, profile } = run;
  if (!initial && rng.chance(profile.under18Share)) return birthForAge(decisionDay, 17 * 12 + rng.int(0, 10));
  if (!initial && rng.chance(profile.overPensionShare)) {
    let birth = birthForAge(received, rng.int(68 * 12, 73 * 12));
    while (pensionDay(birth) > decisionDay) birth = birthForAge(birth, 24);
    return birth;
  }
  const [lo, hi] = AGE_BAND.draw(rng);
  let months = rng.int(lo * 12, hi * 12 + 11);
  let birth = birthForAge(received, months);
  // Roskilde's target group ends at folkepensionsalder: ordinary applicants are younger than that.
  while (profile.endsAtPensionAge && months > 18 * 12 + 12 && pensionDay(birth) <= decisionDay + 365) {
    months -= 12;
    birth = birthForAge(received, months);
  }
  return birth;
}

/** A new application on `day`. Its whole path to a decision is drawn now and scheduled. */
export function receiveApplication(run: Run, day: Day, initial: boolean): void {
  const { rng, agenda, rec } = run;
  const regime = regimeFor(run, day);
  const processing = processingDays(run, regime);
  const decisionDay = nextWorkday(day + processing);
  const birth = drawBirth(run, day, decisionDay, initial);
  const c: Case = {
    id: newCaseId(run),
    citizenId: newCitizenId(run),
    birth,
    birthMonth: monthString(birth),
    received: day,
    regime,
    requested: REQUESTED_DAYS.draw(rng),
    level: drawLevel(run, regime, initial),
    canAttendSheltered: !initial && rng.chance(SHELTERED_SHARE),
    initial,
    status: 'pending',
    decisionId: '',
    decided: 0,
    offerId: '',
    daysPerWeek: 0,
    transport: 'none',
    mask: 0,
    ...drawAbsence(rng),
    endDay: Infinity,
    inActive: false,
    frozen: false,
  };
  rec.case('ApplicationReceived', c.id, day, {
    citizenId: c.citizenId,
    birthMonth: c.birthMonth,
    channel: CHANNEL.draw(rng),
    submittedBy: SUBMITTED_BY.draw(rng),
    ...(rng.chance(0.85) ? { requestedDaysPerWeek: c.requested } : {}),
  });

  agenda.at(nextWorkday(day + Math.floor(processing * (0.3 + 0.4 * rng.next()))), { kind: Kind.Assess, c });
  if (!initial && rng.chance(WITHDRAWN_SHARE)) {
    agenda.at(nextWorkday(day + 7 + Math.floor(rng.next() * Math.max(1, processing - 8))), { kind: Kind.Withdraw, c });
  }
  agenda.at(decisionDay, { kind: Kind.Decide, c });

  const deadline = regime.deadlineWeeks === null ? null : regime.deadlineWeeks * 7;
  if (deadline !== null && decisionDay - day > deadline && rng.chance(regime.extensionNoticeShare)) {
    // RSL §3 stk. 2: the citizen is told in writing, before the deadline, when to expect a decision.
    let notice = day + deadline - rng.int(3, 20);
    while (notice > day + 1 && isWeekend(notice)) notice--;
    agenda.at(Math.max(day + 1, notice), { kind: Kind.NotifyExtension, c, arg: decisionDay + rng.int(-5, 7) });
  }
  if (!initial && processing > 100 && rng.chance(0.08)) {
    agenda.at(nextWorkday(day + rng.int(60, processing - 1)), { kind: Kind.CaseHandlingComplaint, c });
  }
}

export function assess(run: Run, c: Case, day: Day): void {
  if (c.status !== 'pending') return;
  run.rec.case('AssessmentCompleted', c.id, day, {
    method: run.rng.chance(c.regime.vumShare) ? 'VUM' : 'other',
    functionLevel: c.level,
    canAttendShelteredEmployment: c.canAttendSheltered,
  });
}

export function notifyExtension(run: Run, c: Case, day: Day, expected: Day): void {
  if (c.status !== 'pending') return;
  run.rec.case('DeadlineExtensionNotified', c.id, day, {
    expectedDecisionDate: dayString(Math.max(expected, day + 1)),
    reason: run.rng.pick(EXTENSION_REASON),
  });
}

export function withdraw(run: Run, c: Case, day: Day): void {
  if (c.status !== 'pending') return;
  c.status = 'closed';
  run.rec.case('ApplicationWithdrawn', c.id, day, {});
}

function drawOutcome(run: Run, c: Case): { outcome: Outcome; reason?: 'not_target_group' | 'sheltered_employment' | 'other_legislation' | 'other' } {
  const { rng } = run;
  const r = c.regime;
  if (c.initial) return { outcome: rng.chance(0.1) ? 'partly_granted' : 'granted' };
  if (c.canAttendSheltered && rng.chance(0.85)) return { outcome: 'rejected', reason: 'sheltered_employment' };
  if (c.level < r.targetLevel && !rng.chance(r.belowTargetGrantShare)) return { outcome: 'rejected', reason: 'not_target_group' };
  if (rng.chance(r.baseRejectShare)) return { outcome: 'rejected', reason: BASE_REJECTION.draw(rng) };
  return { outcome: rng.chance(r.partlyShare) ? 'partly_granted' : 'granted' };
}

export function decide(run: Run, c: Case, day: Day): void {
  if (c.status !== 'pending') return;
  const { outcome, reason } = drawOutcome(run, c);
  if (outcome === 'rejected') {
    c.status = 'closed';
    c.outcome = outcome;
    c.decisionId = newDecisionId(run);
    c.decided = day;
    const referral = c.regime.openOfferReferralShare > 0 ? { referredToOpenOffer: run.rng.chance(c.regime.openOfferReferralShare) } : {};
    run.rec.case('DecisionMade', c.id, day, { decisionId: c.decisionId, outcome, legalBasis: 'SEL104', rejectionReason: reason, ...referral });
  } else {
    grant(run, c, day, outcome);
  }
  maybeComplain(run, c, day);
}

/** A grant (first decision, or a reassessment that reverses a rejection) and its follow-on steps. */
export function grant(run: Run, c: Case, day: Day, outcome: Exclude<Outcome, 'rejected'>): void {
  const { rng, agenda } = run;
  c.status = 'granted';
  c.outcome = outcome;
  c.decisionId = newDecisionId(run);
  c.decided = day;
  c.offerId = pickOffer(run, day, c.regime);
  c.daysPerWeek = outcome === 'partly_granted' ? Math.max(1, c.requested - rng.int(1, 2)) : c.requested;
  c.transport = outcome === 'partly_granted' && c.requested === 1 ? 'none' : drawTransport(run);
  Object.assign(c, drawAbsence(rng));
  const start = nextWorkday(day + (c.initial ? rng.int(3, 21) : rng.int(7, 35)));
  run.rec.case('DecisionMade', c.id, day, {
    decisionId: c.decisionId,
    outcome,
    legalBasis: 'SEL104',
    grant: { offerId: c.offerId, daysPerWeek: c.daysPerWeek, transport: c.transport, startDate: dayString(start) },
  });
  agenda.at(start, { kind: Kind.Start, c });

  const plan = c.regime.actionPlan;
  if (rng.chance(c.initial && plan.recordShare > 0.5 ? 1 : plan.recordShare)) {
    const late = !c.initial && rng.chance(plan.lateShare);
    let when = day + (late ? rng.int(32, 75) : rng.int(0, 26));
    if (!late) when = nextWorkday(when);
    agenda.at(when, { kind: Kind.RecordActionPlan, c });
  }
}

function maybeComplain(run: Run, c: Case, day: Day): void {
  const { rng } = run;
  if (c.initial || c.outcome === undefined || !rng.chance(COMPLAINT_SHARE[c.outcome])) return;
  // The complaint window is 4 weeks from the decision; most complain within it, some later.
  const received = nextWorkday(day + (rng.chance(LATE_COMPLAINT_SHARE) ? rng.int(29, 60) : rng.int(3, 25)));
  const complaint: Complaint = { id: newComplaintId(run), decisionId: c.decisionId, received, outcome: c.outcome };
  run.agenda.at(received, { kind: Kind.ComplaintReceived, c, complaint });
}

export function recordActionPlan(run: Run, c: Case, day: Day): void {
  if (c.status === 'closed' || c.status === 'pending') return;
  run.rec.case('ActionPlanRecorded', c.id, day, { offered: true, accepted: run.rng.chance(c.regime.actionPlan.acceptedShare) }, true);
}
