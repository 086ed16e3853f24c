/**
 * The engine: a day-stepped simulation of each municipality's case system. Each day brings new
 * applications (Poisson), runs the steps scheduled for that day, registers attendance for every
 * running service, and hands the day's registrations to the outbox, which streams them out.
 */
import type { Event } from '../../schemas/events.ts';
import { Sel104Error } from '../../schemas/errors.ts';
import { assess, decide, notifyExtension, receiveApplication, recordActionPlan, withdraw } from './applications.ts';
import { Agenda, Kind, type Action } from './agenda.ts';
import { nextWorkday, toDay, weekday, type Day } from './calendar.ts';
import { decideAppeal, forward, reassess, receiveCaseHandlingComplaint, receiveComplaint } from './complaints.ts';
import { changeLegalBasis, continueUnder82a } from './migration.ts';
import { addOddities } from './oddities.ts';
import { Outbox } from './outbox.ts';
import { PROFILES, type Profile } from './profiles.ts';
import { Rng } from './random.ts';
import { Recorder } from './recorder.ts';
import { parseRegimeStarts, type Run } from './run.ts';
import { change, end, endReason, followUp, registerAttendance, restart, start } from './services.ts';

export interface SimulateOptions {
  municipalities?: string[];
  from?: string;
  to?: string;
  scale?: number;
  seed?: number;
}

const WORKDAYS_PER_YEAR = 253;
/** The existing recipients apply within the first two working weeks (see seedInitialStock). */
const INITIAL_STOCK_WORKDAYS = 10;

function resolve({
  municipalities = ['350', '265'],
  from = '2019-01-01',
  to = '2025-12-31',
  scale = 1,
  seed = 1,
}: SimulateOptions): Required<SimulateOptions> {
  // A code given twice would repeat its event ids.
  const o = { municipalities: [...new Set(municipalities)], from, to, scale, seed };
  for (const code of o.municipalities) {
    if (!PROFILES[code]) throw new Sel104Error('SEL104_ERR_USAGE', `no simulator profile for municipality ${code}; known: ${Object.keys(PROFILES).join(', ')}`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.from) || !/^\d{4}-\d{2}-\d{2}$/.test(o.to) || o.from > o.to) {
    throw new Sel104Error('SEL104_ERR_USAGE', `simulate needs from ≤ to as YYYY-MM-DD (got ${o.from}..${o.to})`);
  }
  if (!(o.scale > 0) || !Number.isFinite(o.scale)) throw new Sel104Error('SEL104_ERR_USAGE', `scale must be a positive number (got ${o.scale})`);
  return o;
}

function createRun(profile: Profile, o: Required<SimulateOptions>, outbox: Outbox): Run {
  const from = toDay(o.from);
  const to = toDay(o.to);
  // One stream per municipality (seed, code), and a separate one for registration lags.
  const rng = new Rng(o.seed, Number(profile.code), 1);
  return {
    profile,
    rng,
    rec: new Recorder(profile.code, profile.source, new Rng(o.seed, Number(profile.code), 2), outbox),
    agenda: new Agenda(from, to),
    from,
    to,
    scale: o.scale,
    active: [],
    offerBasis: new Map(),
    closing: new Map(),
    regimeStarts: parseRegimeStarts(profile),
    seq: { case: 0, citizen: 0, decision: 0, complaint: 0, stray: 0 },
    recentlyEnded: [],
  };
}

/** Every offer is registered on the first day, before any case can refer to it. */
function registerOffers(run: Run): void {
  const change = run.profile.legalBasisChange;
  const changeDay = change ? toDay(change.date) : Infinity;
  run.rec.today = run.from;
  for (const offer of run.profile.offers) {
    const moved = change?.offerId === offer.id && changeDay <= run.from;
    const legalBasis = moved ? 'SEL82a' : 'SEL104';
    run.offerBasis.set(offer.id, legalBasis);
    if (change?.offerId === offer.id && !moved) run.closing.set(offer.id, changeDay);
    run.rec.offer('OfferRegistered', run.from, {
      offerId: offer.id,
      name: offer.name,
      provider: { ...offer.provider },
      legalBasis,
      approvedBySocialtilsyn: offer.approvedBySocialtilsyn,
      listedOnTilbudsportalen: offer.listedOnTilbudsportalen,
      capacity: Math.max(1, Math.round(offer.capacity * run.scale)),
    });
  }
}

/**
 * Nothing may be dated before `from`, so the recipients who already exist then are registered as
 * applications in the first two working weeks and go through ordinary processing (always granted).
 * The run therefore ramps up over its first 3–5 months: report on periods after that.
 */
function seedInitialStock(run: Run): number[] {
  const perDay = new Array<number>(INITIAL_STOCK_WORKDAYS).fill(0);
  const n = Math.round(run.profile.targetActive * run.scale);
  for (let i = 0; i < n; i++) perDay[run.rng.int(0, INITIAL_STOCK_WORKDAYS - 1)]!++;
  return perDay;
}

function dispatch(run: Run, a: Action, day: Day): void {
  const { c, complaint } = a;
  switch (a.kind) {
    case Kind.Assess: return assess(run, c, day);
    case Kind.NotifyExtension: return notifyExtension(run, c, day, a.arg ?? day);
    case Kind.Withdraw: return withdraw(run, c, day);
    case Kind.Decide: return decide(run, c, day);
    case Kind.RecordActionPlan: return recordActionPlan(run, c, day);
    case Kind.Start: return start(run, c, day);
    case Kind.FollowUp: return followUp(run, c, day, a.arg === 1);
    case Kind.Change: return change(run, c, day);
    case Kind.End: return end(run, c, day, endReason(a.arg));
    case Kind.Restart: return restart(run, c, day);
    case Kind.Continue82a: return continueUnder82a(run, c, day, c.offerId);
    case Kind.CaseHandlingComplaint: return receiveCaseHandlingComplaint(run, c, day);
    case Kind.ComplaintReceived: return receiveComplaint(run, c, complaint!, day);
    case Kind.Reassess: return reassess(run, c, complaint!, day);
    case Kind.Forward: return forward(run, c, complaint!, day);
    case Kind.Appeal: return decideAppeal(run, c, complaint!, day);
  }
}

function step(run: Run, day: Day, initialStock: number[]): void {
  run.rec.today = day;
  const change = run.profile.legalBasisChange;
  if (change && run.closing.get(change.offerId) === day) changeLegalBasis(run, change, day);

  if (weekday(day) < 5) {
    const workday = countWorkdays(run.from, day);
    const initial = workday < initialStock.length ? initialStock[workday]! : 0;
    for (let i = 0; i < initial; i++) receiveApplication(run, day, true);
    const arrivals = run.rng.poisson((run.profile.applicationsPerYear * run.scale) / WORKDAYS_PER_YEAR);
    for (let i = 0; i < arrivals; i++) receiveApplication(run, day, false);
  }
  run.agenda.run(day, (a) => dispatch(run, a, day));
  registerAttendance(run, day);
  addOddities(run, day);
}

/** Working days (Mon–Fri) from `from` up to but excluding `day`. */
function countWorkdays(from: Day, day: Day): number {
  let n = 0;
  for (let d = nextWorkday(from); d < day && n < INITIAL_STOCK_WORKDAYS; d = nextWorkday(d + 1)) n++;
  return n;
}

/**
 * The event stream, day by day from `from` to `to`, in recordedAt order. Memory holds only open
 * cases and the next few weeks of registrations, so national scale runs in bounded memory.
 */
export function* simulate(opts: SimulateOptions = {}): Generator<Event> {
  const o = resolve(opts);
  const first = toDay(o.from);
  const last = toDay(o.to);
  const outbox = new Outbox(first);
  const runs = o.municipalities.map((code) => createRun(PROFILES[code]!, o, outbox));
  for (const run of runs) registerOffers(run);
  const stocks = runs.map(seedInitialStock);
  for (let day = first; day <= last; day++) {
    for (let i = 0; i < runs.length; i++) step(runs[i]!, day, stocks[i]!);
    yield* outbox.drain(day);
  }
  yield* outbox.drainAll();
}

/** Events per active case per day at scale 1, measured over 2019–2025 (attendance is ~85 % of them). */
const EVENTS_PER_CASE_DAY = 0.42;

/** A rough expected event count, for a progress bar's total. */
export function estimateEvents(opts: SimulateOptions = {}): number {
  const o = resolve(opts);
  const days = toDay(o.to) - toDay(o.from) + 1;
  const cases = o.municipalities.reduce((sum, code) => sum + PROFILES[code]!.targetActive, 0);
  return Math.round(cases * o.scale * days * EVENTS_PER_CASE_DAY);
}
