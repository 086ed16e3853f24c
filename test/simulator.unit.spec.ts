import { beforeAll, describe, expect, it } from 'vitest';
import type { Event, EventOf } from '../schemas/events.ts';
import { validateLine } from '../schemas/validate.ts';
import { ROSKILDE_82A_DATE, estimateEvents, simulate } from '../producers/simulator/index.ts';
import { addMonths as addCalendarMonths, dayString, toDay, utcOffset, weekday } from '../producers/simulator/calendar.ts';

// --- small helpers over the output, written independently of the simulator's own code ---

const DAY_MS = 86_400_000;
const days = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / DAY_MS;
const addDays = (d: string, n: number): string => new Date(Date.parse(d) + n * DAY_MS).toISOString().slice(0, 10);
const addMonths = (birthMonth: string, months: number): string => {
  const total = Number(birthMonth.slice(0, 4)) * 12 + Number(birthMonth.slice(5, 7)) - 1 + months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
};
/** Folkepensionsalder in months by birth month (domain.md). */
const pensionMonths = (bm: string): number =>
  bm < '1954-01' ? 780 : bm <= '1954-06' ? 786 : bm <= '1954-12' ? 792 : bm <= '1955-06' ? 798 : bm <= '1962-12' ? 804 : bm <= '1966-12' ? 816 : bm <= '1970-12' ? 828 : 840;

type Of<T extends Event['type']> = EventOf<T>;
const ofType = <T extends Event['type']>(events: Event[], type: T): Of<T>[] => events.filter((e) => e.type === type) as Of<T>[];
const caseOf = (e: Event): string => ('caseId' in e ? e.caseId : '');

/** Cases with a §104 service in effect on `day`: a ServiceStarted on or before it, not ended before it. */
function activeOn(events: Event[], municipality: string, day: string): number {
  const byCase = new Map<string, Event[]>();
  for (const e of events) {
    if (e.municipality !== municipality || (e.type !== 'ServiceStarted' && e.type !== 'ServiceEnded')) continue;
    const list = byCase.get(caseOf(e)) ?? [];
    list.push(e);
    byCase.set(caseOf(e), list);
  }
  let n = 0;
  for (const list of byCase.values()) {
    let on = false;
    for (const e of list.sort((a, b) => a.occurredOn.localeCompare(b.occurredOn))) {
      if (e.type === 'ServiceStarted' && e.data.legalBasis === 'SEL104' && e.occurredOn <= day) on = true;
      if (e.type === 'ServiceEnded' && e.occurredOn < day) on = false;
    }
    if (on) n++;
  }
  return n;
}

/** Grants per exception rule (domain.md, metric 8), using the shipped standards' values. */
function exceptions(events: Event[]): Record<string, number> {
  const received = new Map<string, Of<'ApplicationReceived'>>();
  const levels = new Map<string, { day: string; level: number }[]>();
  const plans = new Map<string, string[]>();
  const offers = new Map<string, Of<'OfferRegistered'>['data']>();
  for (const e of events) {
    if (e.type === 'ApplicationReceived') received.set(e.caseId, e);
    if (e.type === 'AssessmentCompleted') levels.set(e.caseId, [...(levels.get(e.caseId) ?? []), { day: e.occurredOn, level: e.data.functionLevel }]);
    if (e.type === 'ActionPlanRecorded' && e.data.offered) plans.set(e.caseId, [...(plans.get(e.caseId) ?? []), e.occurredOn]);
    if (e.type === 'OfferRegistered') offers.set(e.data.offerId, e.data);
  }
  const count = { under_18: 0, over_pension_age: 0, below_function_level: 0, no_action_plan: 0, provider_not_approved: 0 };
  for (const d of ofType(events, 'DecisionMade')) {
    const app = received.get(d.caseId);
    if (!app || !d.data.grant) continue;
    const lejre2021 = d.municipality === '350' && app.occurredOn >= '2022-01-01';
    if (d.occurredOn < addMonths(app.data.birthMonth, 18 * 12)) count.under_18++;
    if (d.municipality === '265' && d.occurredOn >= addMonths(app.data.birthMonth, pensionMonths(app.data.birthMonth))) count.over_pension_age++;
    if (lejre2021) {
      const before = (levels.get(d.caseId) ?? []).filter((a) => a.day <= d.occurredOn);
      if (before.length > 0 && before[before.length - 1]!.level < 3) count.below_function_level++;
      const planDays = plans.get(d.caseId) ?? [];
      if (!planDays.some((p) => p >= d.occurredOn && days(d.occurredOn, p) <= 30)) count.no_action_plan++;
      const offer = offers.get(d.data.grant.offerId);
      if (!offer?.approvedBySocialtilsyn || !offer.listedOnTilbudsportalen) count.provider_not_approved++;
    }
  }
  return count;
}

// --- the tests ---

describe('simulator calendar', () => {
  it('agrees with Date on day numbers, weekdays and Copenhagen UTC offsets, 2018–2027', () => {
    const copenhagen = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Copenhagen', timeZoneName: 'longOffset' });
    for (let t = Date.parse('2018-01-01'); t <= Date.parse('2027-12-31'); t += DAY_MS) {
      const iso = new Date(t).toISOString().slice(0, 10);
      const day = toDay(iso);
      expect(dayString(day)).toBe(iso);
      expect(weekday(day)).toBe((new Date(t).getUTCDay() + 6) % 7);
      const offset = copenhagen.formatToParts(new Date(t + 10 * 3_600_000)).find((p) => p.type === 'timeZoneName')!.value;
      expect(`GMT${utcOffset(day)}`, iso).toBe(offset);
    }
    expect(dayString(addCalendarMonths(toDay('2024-01-31'), 1))).toBe('2024-02-29');
    expect(dayString(addCalendarMonths(toDay('2023-03-15'), 12))).toBe('2024-03-15');
  });
});

describe('simulate: one year (2023) at scale 1', () => {
  let events: Event[];
  beforeAll(() => {
    events = [...simulate({ from: '2023-01-01', to: '2023-12-31' })];
  });

  it('emits only events that pass the line validator', () => {
    const rejected = events.map((e) => validateLine(JSON.stringify(e))).filter((v) => !v.ok);
    expect(events.length).toBeGreaterThan(30_000);
    expect(rejected).toEqual([]);
  });

  it('gives every event a unique id, municipality-prefixed ids and dates inside the window', () => {
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const outside = events.filter((e) => e.occurredOn < '2023-01-01' || e.occurredOn > '2023-12-31');
    const recordedEarly = events.filter((e) => e.recordedAt!.slice(0, 10) < e.occurredOn);
    const unprefixed = events.filter((e) => 'caseId' in e && !e.caseId.startsWith(`${e.municipality}-`));
    expect([outside, recordedEarly, unprefixed]).toEqual([[], [], []]);
  });

  it('streams in recordedAt order, with some registrations weeks late', () => {
    const late = events.filter((e) => days(e.occurredOn, e.recordedAt!.slice(0, 10)) >= 14).length;
    const unordered = events.filter((e, i) => i > 0 && e.recordedAt! < events[i - 1]!.recordedAt!);
    expect(unordered).toEqual([]);
    expect(late / events.length).toBeGreaterThan(0.005);
    expect(late / events.length).toBeLessThan(0.05);
  });

  it('registers every offer on the first day, before any event refers to it', () => {
    const registered = ofType(events, 'OfferRegistered');
    expect(registered.every((e) => e.occurredOn === '2023-01-01')).toBe(true);
    const firstCase = events.findIndex((e) => 'caseId' in e);
    expect(events.findLastIndex((e) => e.type === 'OfferRegistered')).toBeLessThan(firstCase);
  });

  it('keeps about 40–70 active cases in Lejre and 200–300 in Roskilde mid-window', () => {
    expect(activeOn(events, '350', '2023-07-01')).toBeGreaterThanOrEqual(40);
    expect(activeOn(events, '350', '2023-07-01')).toBeLessThanOrEqual(70);
    expect(activeOn(events, '265', '2023-07-01')).toBeGreaterThanOrEqual(200);
    expect(activeOn(events, '265', '2023-07-01')).toBeLessThanOrEqual(300);
  });

  it('estimates the event count within a factor of two', () => {
    const estimate = estimateEvents({ from: '2023-01-01', to: '2023-12-31' });
    expect(estimate).toBeGreaterThan(events.length / 2);
    expect(estimate).toBeLessThan(events.length * 2);
  });
});

describe('simulate: determinism', () => {
  const text = (seed: number): string =>
    [...simulate({ from: '2024-01-01', to: '2024-03-31', seed })].map((e) => JSON.stringify(e)).join('\n');

  it('gives byte-identical output for the same seed and different output for another', () => {
    const a = text(1);
    expect(text(1)).toBe(a);
    expect(text(2)).not.toBe(a);
  });

  it('scales case volume linearly with --scale', () => {
    const apps = (scale: number): number =>
      ofType([...simulate({ from: '2024-01-01', to: '2024-06-30', scale })], 'ApplicationReceived').length;
    const ratio = apps(4) / apps(1);
    expect(ratio).toBeGreaterThan(3.2);
    expect(ratio).toBeLessThan(4.8);
  });
});

describe('simulate: the default window 2019–2025 at scale 1', () => {
  let events: Event[];
  beforeAll(() => {
    events = [...simulate()];
  });

  it('emits only events that pass the line validator over the whole window', () => {
    expect(events.filter((e) => !validateLine(JSON.stringify(e)).ok)).toEqual([]);
  });

  it('shows the Lejre deadline change from 20 to 12 weeks', () => {
    const received = new Map(ofType(events, 'ApplicationReceived').map((e) => [e.caseId, e.occurredOn]));
    const decided = new Set<string>();
    const old: number[] = [];
    const revised: number[] = [];
    for (const d of ofType(events, 'DecisionMade')) {
      const r = received.get(d.caseId);
      if (d.municipality !== '350' || !r || decided.has(d.caseId)) continue;
      decided.add(d.caseId);
      (r >= '2022-01-01' ? revised : old).push(days(r, d.occurredOn));
    }
    const share = (xs: number[], weeks: number): number => xs.filter((x) => x <= weeks * 7).length / xs.length;
    expect(share(old, 20)).toBeGreaterThan(0.8);
    expect(share(old, 20)).toBeLessThan(0.97);
    expect(share(revised, 12)).toBeGreaterThan(0.8);
    expect(share(revised, 12)).toBeLessThan(0.97);
    // Under the old standard most decisions took longer than the new 12-week deadline.
    expect(share(old, 12)).toBeLessThan(share(revised, 12) - 0.2);
    expect(ofType(events, 'DeadlineExtensionNotified').length).toBeGreaterThan(0);
  });

  it('moves Roskilde\'s Monday knights offer to §82a on the assumed date', () => {
    const offer = ofType(events, 'OfferRegistered').find((e) => e.data.name.startsWith('Monday knights'))!;
    const id = offer.data.offerId;
    const changed = ofType(events, 'OfferLegalBasisChanged');
    expect(changed.map((e) => [e.municipality, e.data.offerId, e.occurredOn, e.data.from, e.data.to])).toEqual([
      ['265', id, ROSKILDE_82A_DATE, 'SEL104', 'SEL82a'],
    ]);
    const dayBefore = addDays(ROSKILDE_82A_DATE, -1);
    const ended = ofType(events, 'ServiceEnded').filter((e) => e.data.reason === 'legal_basis_changed');
    expect(ended.length).toBeGreaterThan(5);
    expect(ended.every((e) => e.data.offerId === id && e.occurredOn === dayBefore)).toBe(true);

    const citizenOf = new Map(ofType(events, 'ApplicationReceived').map((e) => [e.caseId, e.data.citizenId]));
    const endedCitizens = new Set(ended.map((e) => citizenOf.get(e.caseId)));
    const continued = ofType(events, 'ServiceStarted').filter((e) => e.data.legalBasis === 'SEL82a');
    expect(continued.length).toBeGreaterThan(ended.length / 2);
    for (const s of continued) {
      expect(s.data.offerId).toBe(id);
      expect(endedCitizens.has(s.data.citizenId)).toBe(true);
      expect(citizenOf.has(s.caseId)).toBe(false);
      expect(days(ROSKILDE_82A_DATE, s.occurredOn)).toBeGreaterThanOrEqual(0);
      expect(days(ROSKILDE_82A_DATE, s.occurredOn)).toBeLessThanOrEqual(30);
    }
    const grantsAfter = ofType(events, 'DecisionMade').filter((d) => d.data.grant?.offerId === id && d.occurredOn >= ROSKILDE_82A_DATE);
    expect(grantsAfter).toEqual([]);
    // A couple of cases are left recorded as §104 there: still running, never ended.
    const startedThere = new Set(ofType(events, 'ServiceStarted').filter((e) => e.data.offerId === id && e.data.legalBasis === 'SEL104').map(caseOf));
    const endedThere = new Set(ofType(events, 'ServiceEnded').filter((e) => e.data.offerId === id).map(caseOf));
    const attendedLate = new Set(ofType(events, 'AttendanceRegistered').filter((e) => e.data.offerId === id && e.occurredOn > '2025-06-01').map(caseOf));
    expect([...startedThere].filter((c) => !endedThere.has(c) && attendedLate.has(c)).length).toBeGreaterThanOrEqual(1);
  });

  it('makes every eligibility exception occur at least once', () => {
    const counts = exceptions(events);
    for (const [rule, n] of Object.entries(counts)) expect(n, rule).toBeGreaterThan(0);
  });

  it('has complaints on a few percent of decisions, with the whole appeal chain', () => {
    const decisions = ofType(events, 'DecisionMade').length;
    const complaints = ofType(events, 'ComplaintReceived');
    const aboutDecisions = complaints.filter((c) => c.data.subject === 'decision').length;
    expect(aboutDecisions / decisions).toBeGreaterThan(0.02);
    expect(aboutDecisions / decisions).toBeLessThan(0.06);
    expect(complaints.some((c) => c.data.subject === 'case_handling' && c.data.decisionId === undefined)).toBe(true);
    for (const type of ['ComplaintReassessed', 'ComplaintForwarded', 'AppealDecided'] as const) {
      expect(ofType(events, type).length, type).toBeGreaterThan(0);
    }
  });

  it('registers about three attendance days per citizen-week with realistic absence', () => {
    const attendance = ofType(events, 'AttendanceRegistered');
    const absent = attendance.filter((e) => e.data.status !== 'attended').length;
    expect(absent / attendance.length).toBeGreaterThan(0.08);
    expect(absent / attendance.length).toBeLessThan(0.2);
    const weeks = 52;
    const perWeek = attendance.filter((e) => e.occurredOn.startsWith('2024')).length / weeks;
    const citizens = activeOn(events, '350', '2024-07-01') + activeOn(events, '265', '2024-07-01');
    expect(perWeek / citizens).toBeGreaterThan(2.4);
    expect(perWeek / citizens).toBeLessThan(3.6);
  });

  it('includes a few data-quality oddities that still validate', () => {
    const opened = new Set([...ofType(events, 'ApplicationReceived').map(caseOf), ...ofType(events, 'ServiceStarted').map(caseOf)]);
    const stray = events.filter((e) => 'caseId' in e && !opened.has(e.caseId));
    expect(stray.length).toBeGreaterThan(0);
    expect(stray.length).toBeLessThan(60);
    expect(stray.every((e) => validateLine(JSON.stringify(e)).ok)).toBe(true);
  });
});
