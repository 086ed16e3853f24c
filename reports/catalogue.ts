import { z } from 'zod';

/**
 * The report catalogue (contract §4). Each report is `reports/sql/<name>.sql` plus the lines
 * below, which type its rows. Column order here is the order of every output format.
 */
export type ColumnKind = 'text' | 'int' | 'pct' | 'number' | 'date' | 'list';

export interface ReportDef {
  name: string;
  /** One row per … (contract §4). */
  rowsPer: string;
  /** The date that --from/--to filter on (domain.md). */
  anchor: string;
  columns: Readonly<Record<string, ColumnKind>>;
}

const report = (name: string, rowsPer: string, anchor: string, columns: Record<string, ColumnKind>): ReportDef =>
  Object.freeze({ name, rowsPer, anchor, columns: Object.freeze(columns) });

export const REPORTS: readonly ReportDef[] = Object.freeze([
  report('processing-time', 'municipality × standard version', 'decision date; open cases on --on', {
    municipality: 'text', standardVersion: 'text', deadlineWeeks: 'int', decided: 'int', withinDeadline: 'int',
    compliancePct: 'pct', medianDays: 'int', p90Days: 'int', open: 'int', atRisk: 'int', overdue: 'int', overdueWithoutNotice: 'int',
  }),
  report('open-applications', 'open application (the work list)', '--on', {
    municipality: 'text', caseId: 'text', receivedOn: 'date', standardVersion: 'text', deadlineWeeks: 'int', elapsedDays: 'int',
    status: 'text', notifiedOn: 'date',
  }),
  report('processing-time-curve', 'municipality × weeks 1–52', 'decision date', {
    municipality: 'text', weeks: 'int', decided: 'int', decidedWithin: 'int', sharePct: 'pct',
  }),
  report('days-per-week', 'municipality × days per week 1–5', '--on (grants in effect)', {
    municipality: 'text', daysPerWeek: 'int', grants: 'int',
  }),
  report('days-per-week-by-offer', 'municipality × offer × days per week 1–5', '--on (grants in effect)', {
    municipality: 'text', offerId: 'text', daysPerWeek: 'int', grants: 'int',
  }),
  report('days-per-week-by-level', 'municipality × VUM function level × days per week 1–5', '--on (grants in effect)', {
    municipality: 'text', functionLevel: 'int', daysPerWeek: 'int', grants: 'int',
  }),
  report('days-per-week-by-offer-level', 'municipality × offer × VUM function level × days per week 1–5', '--on (grants in effect)', {
    municipality: 'text', offerId: 'text', functionLevel: 'int', daysPerWeek: 'int', grants: 'int',
  }),
  report('absence', 'municipality × offer', 'attendance date', {
    municipality: 'text', offerId: 'text', plannedDays: 'int', attended: 'int', cancelled: 'int', noShow: 'int', absenceRatePct: 'pct',
  }),
  report('absence-flags', 'flagged case × offer', '--on (the 56 days ending on it)', {
    municipality: 'text', caseId: 'text', offerId: 'text', plannedDays: 'int', absenceRatePct: 'pct',
  }),
  report('complaints', 'municipality', 'complaint received date (decisions: decision date)', {
    municipality: 'text', decisions: 'int', complaints: 'int', caseHandlingComplaints: 'int', timelyPct: 'pct',
    fullReversal: 'int', partial: 'int', maintained: 'int', forwarded: 'int', forwardedOnTimePct: 'pct',
    upheld: 'int', changedOrAnnulled: 'int', remitted: 'int', dismissed: 'int', reversalRatePct: 'pct',
  }),
  report('migrations-82a', 'offer × effective date', 'effective date of the legal-basis change', {
    municipality: 'text', offerId: 'text', effectiveDate: 'date', cohort: 'int', continuedUnder82a: 'int', movedTo104: 'int',
    ended: 'int', stillRecordedAs104: 'int', medianGapDays: 'int', lostAppealRoute: 'int',
  }),
  report('follow-up', 'municipality', '--on (grants in effect); held: follow-up date', {
    municipality: 'text', activeGrants: 'int', overdue: 'int', held: 'int', heldOnTime: 'int', heldOnTimePct: 'pct',
  }),
  report('eligibility', 'municipality × rule', 'decision date (grants only)', {
    municipality: 'text', rule: 'text', grants: 'int',
  }),
  report('eligibility-cases', 'grant × rule it breaks', 'decision date (grants only)', {
    municipality: 'text', rule: 'text', caseId: 'text', decisionId: 'text', decidedOn: 'date',
  }),
  report('data-quality', 'municipality × check', "each event's own date", {
    municipality: 'text', check: 'text', count: 'int', examples: 'list',
  }),
  report('dead-letters', 'reason (field path and rule) of rejected lines', 'the time a line was received (--as-of)', {
    path: 'text', rule: 'text', lines: 'int',
  }),
  report('standard-evidence', 'municipality × rule of the quality standard × standard version', 'per rule, as in its metric report; the rule applied to the whole period, and while the version was in force', {
    municipality: 'text', rule: 'text', standardVersion: 'text', effectiveFrom: 'date', value: 'text', wording: 'text', measure: 'text',
    inForceBase: 'int', inForcePct: 'pct', ifAppliedBase: 'int', ifAppliedPct: 'pct',
  }),
  report('volume', 'municipality', "each event's own date; grants in effect on --on", {
    municipality: 'text', applications: 'int', withdrawn: 'int', decisions: 'int', granted: 'int', partlyGranted: 'int',
    rejected: 'int', grantsInEffect: 'int', starts: 'int', ends: 'int', transportSharePct: 'pct',
  }),
]);

export const REPORT_NAMES = REPORTS.map((r) => r.name);
/** The reports with a row per offer, which the `offer` parameter narrows to one offer's rows. */
export const OFFER_REPORTS = REPORTS.filter((r) => 'offerId' in r.columns).map((r) => r.name);

export function findReport(name: string): ReportDef | undefined {
  return REPORTS.find((r) => r.name === name);
}

const ZOD_OF_KIND: Record<ColumnKind, z.ZodType> = {
  text: z.string().nullable(),
  int: z.number().int().nullable(),
  pct: z.number().min(0).max(100).nullable(),
  number: z.number().nullable(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  list: z.array(z.string()),
};

/** The row type of a report as a zod object (with `period` when --by is given): for the API's docs and tests. */
export function rowSchema(def: ReportDef, withPeriod = false): z.ZodObject {
  const shape: Record<string, z.ZodType> = withPeriod ? { period: z.string() } : {};
  for (const [name, kind] of Object.entries(def.columns)) shape[name] = ZOD_OF_KIND[kind];
  return z.strictObject(shape);
}
