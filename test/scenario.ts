import { Readable } from 'node:stream';
import { openDatabase, resolvePaths, type Database } from '../consumers/database.ts';
import { importLines } from '../producers/importer.ts';
import { runReport, type Row } from '../reports/runner.ts';
import type { ReportParams } from '../reports/params.ts';
import { loadStandards, type Standard } from '../schemas/standard.ts';
import { tempDir } from './helpers.ts';

/**
 * Given/When/Then over events: build a few events by hand, import them through the real
 * pipeline into a DuckDB file on disk, and run reports on them.
 */
export interface ScenarioEvent {
  eventId: string;
  type: string;
  schemaVersion: 1;
  municipality: string;
  caseId?: string;
  occurredOn: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

let seq = 0;

/** One event; recordedAt defaults to noon (Copenhagen) on the business date. */
export function event(type: string, municipality: string, caseId: string | null, occurredOn: string, data: Record<string, unknown>, recordedAt?: string): ScenarioEvent {
  return {
    eventId: `ev-${++seq}`,
    type,
    schemaVersion: 1,
    municipality,
    ...(caseId === null ? {} : { caseId }),
    occurredOn,
    recordedAt: recordedAt ?? `${occurredOn}T12:00:00+01:00`,
    data,
  };
}

/** The same event, recorded at another time (late registrations, back-dated corrections). */
export const recordedAt = (e: ScenarioEvent, at: string): ScenarioEvent => ({ ...e, recordedAt: at });

export function offer(municipality: string, occurredOn: string, offerId: string, o: { legalBasis?: 'SEL104' | 'SEL82a'; approved?: boolean; listed?: boolean } = {}): ScenarioEvent {
  return event('OfferRegistered', municipality, null, occurredOn, {
    offerId, name: `Fiktivt tilbud ${offerId}`, provider: { name: 'Fiktiv Leverandør ApS', kind: 'private' },
    legalBasis: o.legalBasis ?? 'SEL104', approvedBySocialtilsyn: o.approved ?? true, listedOnTilbudsportalen: o.listed ?? true,
  });
}

export function legalBasisChanged(municipality: string, occurredOn: string, offerId: string, to: 'SEL104' | 'SEL82a' = 'SEL82a'): ScenarioEvent {
  return event('OfferLegalBasisChanged', municipality, null, occurredOn, { offerId, from: to === 'SEL82a' ? 'SEL104' : 'SEL82a', to });
}

interface GrantOptions { decisionId?: string; offerId?: string; daysPerWeek?: number; transport?: 'none' | 'public' | 'arranged'; startDate?: string; outcome?: 'granted' | 'partly_granted' }

/** Events of one case (one application and all that follows it). */
export function caseOf(municipality: string, caseId: string, citizenId = `p-${caseId}`) {
  const e = (type: string, date: string, data: Record<string, unknown> = {}) => event(type, municipality, caseId, date, data);
  return {
    applied: (date: string, o: { birthMonth?: string; requestedDaysPerWeek?: number } = {}) =>
      e('ApplicationReceived', date, { citizenId, birthMonth: o.birthMonth ?? '1980-05', channel: 'written', submittedBy: 'citizen', ...(o.requestedDaysPerWeek ? { requestedDaysPerWeek: o.requestedDaysPerWeek } : {}) }),
    withdrawn: (date: string) => e('ApplicationWithdrawn', date),
    assessed: (date: string, functionLevel: number) => e('AssessmentCompleted', date, { method: 'VUM', functionLevel }),
    notified: (date: string, expectedDecisionDate: string) => e('DeadlineExtensionNotified', date, { expectedDecisionDate }),
    granted: (date: string, g: GrantOptions = {}) =>
      e('DecisionMade', date, {
        decisionId: g.decisionId ?? `d-${caseId}`, outcome: g.outcome ?? 'granted', legalBasis: 'SEL104',
        grant: { offerId: g.offerId ?? 'o-1', daysPerWeek: g.daysPerWeek ?? 3, transport: g.transport ?? 'none', startDate: g.startDate ?? date },
      }),
    rejected: (date: string, decisionId = `d-${caseId}`) => e('DecisionMade', date, { decisionId, outcome: 'rejected', legalBasis: 'SEL104', rejectionReason: 'not_target_group' }),
    actionPlan: (date: string, offered = true, accepted = true) => e('ActionPlanRecorded', date, { offered, accepted }),
    started: (date: string, offerId = 'o-1', legalBasis: 'SEL104' | 'SEL82a' = 'SEL104', withCitizen = false) =>
      e('ServiceStarted', date, { offerId, legalBasis, ...(withCitizen ? { citizenId } : {}) }),
    changed: (date: string, change: { decisionId?: string; daysPerWeek?: number; offerId?: string; transport?: string }) =>
      e('GrantChanged', date, { decisionId: change.decisionId ?? `d-${caseId}`, ...change }),
    attendance: (date: string, status: 'attended' | 'cancelled' | 'no_show', offerId = 'o-1') => e('AttendanceRegistered', date, { offerId, status }),
    followUp: (date: string) => e('FollowUpHeld', date, { participants: ['citizen', 'advisor'], outcome: 'continue' }),
    ended: (date: string, offerId = 'o-1', reason = 'other') => e('ServiceEnded', date, { offerId, reason }),
    complaint: (date: string, complaintId: string, o: { subject?: 'decision' | 'case_handling'; decisionId?: string } = {}) =>
      e('ComplaintReceived', date, {
        complaintId, subject: o.subject ?? 'decision', channel: 'written',
        ...((o.subject ?? 'decision') === 'decision' ? { decisionId: o.decisionId ?? `d-${caseId}` } : {}),
      }),
    reassessed: (date: string, complaintId: string, result: 'full_reversal' | 'partial' | 'maintained') => e('ComplaintReassessed', date, { complaintId, result }),
    forwarded: (date: string, complaintId: string) => e('ComplaintForwarded', date, { complaintId }),
    appealDecided: (date: string, complaintId: string, outcome: 'upheld' | 'changed_or_annulled' | 'remitted' | 'dismissed') =>
      e('AppealDecided', date, { complaintId, outcome }),
  };
}

export interface Scenario {
  db: Database;
  /** Runs a report; `on` should always be given in tests (the default is today). */
  report(name: string, params?: ReportParams): Promise<Row[]>;
  close(): void;
}

/** Imports the events (all must be accepted) into a fresh DuckDB file and returns a report runner. */
export async function given(events: readonly ScenarioEvent[], { standards = loadStandards() }: { standards?: ReadonlyMap<string, Standard> } = {}): Promise<Scenario> {
  const dir = tempDir('sel104-scenario-');
  const db = await openDatabase(resolvePaths({ db: dir.db }));
  const ndjson = events.map((x) => JSON.stringify(x)).join('\n') + '\n';
  const r = await importLines(db, Readable.from([Buffer.from(ndjson)]), { source: 'scenario' });
  if (r.rejected > 0 || r.duplicates > 0) {
    db.close();
    dir.cleanup();
    throw new Error(`scenario events not all accepted: ${JSON.stringify(r.rejections)} (${r.duplicates} duplicates)`);
  }
  return {
    db,
    report: async (name, params = {}) => (await runReport(db.conn, name, params, { standards })).rows,
    close: () => {
      db.close();
      dir.cleanup();
    },
  };
}
