import type { EventType } from '../../schemas/events.ts';

/**
 * One projection table per event type: append-only facts, one row per accepted event.
 * Every table keeps the envelope (event_id, position, municipality, occurred_on, recorded_at),
 * so reports can answer "as of" any recordedAt and never depend on arrival order.
 * The DDL and the INSERT … SELECT of the projector are both derived from this list.
 */
export interface Column {
  name: string;
  /** JSON path inside the event's data, e.g. '$.offerId'. */
  path: string;
  type: 'VARCHAR' | 'DATE' | 'INTEGER' | 'BOOLEAN' | 'VARCHAR[]';
}

/** A column computed from the row's other columns (which it names by their column names). */
export interface ComputedColumn {
  name: string;
  type: 'UBIGINT';
  sql: string;
}

export interface Table {
  name: string;
  type: EventType;
  /** Case events carry case_id; offer events do not. */
  caseEvent: boolean;
  columns: Column[];
  computed?: ComputedColumn[];
  /** Computed columns of earlier layouts, dropped when a database is opened. */
  retired?: string[];
}


const c = (name: string, path: string, type: Column['type'] = 'VARCHAR'): Column => ({ name, path: `$.${path}`, type });

export const TABLES: readonly Table[] = [
  {
    name: 'offers', type: 'OfferRegistered', caseEvent: false,
    columns: [
      c('offer_id', 'offerId'), c('name', 'name'), c('provider_name', 'provider.name'), c('provider_kind', 'provider.kind'),
      c('legal_basis', 'legalBasis'), c('approved_by_socialtilsyn', 'approvedBySocialtilsyn', 'BOOLEAN'),
      c('listed_on_tilbudsportalen', 'listedOnTilbudsportalen', 'BOOLEAN'), c('capacity', 'capacity', 'INTEGER'),
    ],
  },
  {
    name: 'offer_legal_basis_changes', type: 'OfferLegalBasisChanged', caseEvent: false,
    columns: [c('offer_id', 'offerId'), c('from_basis', 'from'), c('to_basis', 'to')],
  },
  {
    name: 'applications', type: 'ApplicationReceived', caseEvent: true,
    columns: [
      c('citizen_id', 'citizenId'), c('birth_month', 'birthMonth'), c('channel', 'channel'),
      c('submitted_by', 'submittedBy'), c('requested_days_per_week', 'requestedDaysPerWeek', 'INTEGER'),
    ],
  },
  { name: 'application_withdrawals', type: 'ApplicationWithdrawn', caseEvent: true, columns: [] },
  {
    name: 'assessments', type: 'AssessmentCompleted', caseEvent: true,
    columns: [
      c('method', 'method'), c('function_level', 'functionLevel', 'INTEGER'),
      c('can_attend_sheltered_employment', 'canAttendShelteredEmployment', 'BOOLEAN'),
    ],
  },
  {
    name: 'deadline_extensions', type: 'DeadlineExtensionNotified', caseEvent: true,
    columns: [c('expected_decision_date', 'expectedDecisionDate', 'DATE'), c('reason', 'reason')],
  },
  {
    name: 'decisions', type: 'DecisionMade', caseEvent: true,
    columns: [
      c('decision_id', 'decisionId'), c('outcome', 'outcome'), c('legal_basis', 'legalBasis'),
      c('offer_id', 'grant.offerId'), c('days_per_week', 'grant.daysPerWeek', 'INTEGER'),
      c('transport', 'grant.transport'), c('start_date', 'grant.startDate', 'DATE'),
      c('rejection_reason', 'rejectionReason'), c('referred_to_open_offer', 'referredToOpenOffer', 'BOOLEAN'),
    ],
  },
  {
    name: 'action_plans', type: 'ActionPlanRecorded', caseEvent: true,
    columns: [c('offered', 'offered', 'BOOLEAN'), c('accepted', 'accepted', 'BOOLEAN')],
  },
  {
    name: 'service_starts', type: 'ServiceStarted', caseEvent: true,
    columns: [c('offer_id', 'offerId'), c('legal_basis', 'legalBasis'), c('citizen_id', 'citizenId')],
  },
  {
    name: 'grant_changes', type: 'GrantChanged', caseEvent: true,
    columns: [
      c('decision_id', 'decisionId'), c('days_per_week', 'daysPerWeek', 'INTEGER'),
      c('offer_id', 'offerId'), c('transport', 'transport'),
    ],
  },
  {
    name: 'attendance', type: 'AttendanceRegistered', caseEvent: true,
    columns: [c('offer_id', 'offerId'), c('status', 'status')],
    // pair_hash found a few pairs' registrations among millions for data-quality, which now reads
    // the summaries' day bits instead (consumers/projection/summaries.ts).
    retired: ['pair_hash'],
  },
  {
    name: 'follow_ups', type: 'FollowUpHeld', caseEvent: true,
    columns: [c('participants', 'participants', 'VARCHAR[]'), c('outcome', 'outcome')],
  },
  {
    name: 'service_ends', type: 'ServiceEnded', caseEvent: true,
    columns: [c('offer_id', 'offerId'), c('reason', 'reason')],
  },
  {
    name: 'complaints', type: 'ComplaintReceived', caseEvent: true,
    columns: [c('complaint_id', 'complaintId'), c('subject', 'subject'), c('decision_id', 'decisionId'), c('channel', 'channel')],
  },
  {
    name: 'complaint_reassessments', type: 'ComplaintReassessed', caseEvent: true,
    columns: [c('complaint_id', 'complaintId'), c('result', 'result')],
  },
  {
    name: 'complaint_forwards', type: 'ComplaintForwarded', caseEvent: true,
    columns: [c('complaint_id', 'complaintId')],
  },
  {
    name: 'appeal_decisions', type: 'AppealDecided', caseEvent: true,
    columns: [c('complaint_id', 'complaintId'), c('outcome', 'outcome')],
  },
];

/** Columns every projection table starts with. */
const ENVELOPE_DDL = [
  'event_id VARCHAR NOT NULL',
  'position BIGINT NOT NULL',
  'municipality VARCHAR NOT NULL',
  'occurred_on DATE NOT NULL',
  'recorded_at TIMESTAMPTZ NOT NULL',
];

export function tableDdl(t: Table): string {
  const cols = [...ENVELOPE_DDL, ...(t.caseEvent ? ['case_id VARCHAR NOT NULL'] : []), ...t.columns.map((col) => `${col.name} ${col.type}`),
    ...(t.computed ?? []).map((col) => `${col.name} ${col.type}`)];
  return `CREATE TABLE IF NOT EXISTS ${t.name} (\n  ${cols.join(',\n  ')}\n)`;
}

const extract = (col: Column, i: number): string => {
  const v = `j[${i + 1}]`;
  switch (col.type) {
    case 'VARCHAR': return `${v} AS ${col.name}`;
    case 'DATE': return `CAST(${v} AS DATE) AS ${col.name}`;
    case 'INTEGER': return `CAST(${v} AS INTEGER) AS ${col.name}`;
    case 'BOOLEAN': return `CAST(${v} AS BOOLEAN) AS ${col.name}`;
    case 'VARCHAR[]': return `CAST(json(data) -> '${col.path}' AS VARCHAR[]) AS ${col.name}`;
  }
};

/**
 * The rows of one table from a source relation with the log's columns (event_id, position, type,
 * municipality, case_id, occurred_on, recorded_at, data), in the table's column order.
 * `data` is parsed once per row: json_extract_string with a list of paths.
 */
const envelopeOf = (t: Table): string[] => ['event_id', 'position', 'municipality', 'occurred_on', 'recorded_at', ...(t.caseEvent ? ['case_id'] : [])];

export function selectSql(t: Table, source: string): string {
  const envelope = envelopeOf(t);
  const paths = t.columns.map((col) => `'${col.path}'`).join(', ');
  const projected = [...envelope, ...t.columns.map(extract)];
  const inner = t.columns.length > 0 ? `*, json_extract_string(data, [${paths}]) AS j` : '*';
  const rows = `SELECT ${projected.join(', ')}
FROM (SELECT ${inner} FROM ${source} WHERE type = '${t.type}')`;
  if (!t.computed?.length) return rows;
  return `SELECT *, ${t.computed.map((col) => `${col.sql} AS ${col.name}`).join(', ')} FROM (${rows})`;
}

/** INSERT … SELECT for one table from a source relation with the log's columns. */
export function insertSql(t: Table, source: string): string {
  const cols = [...envelopeOf(t), ...t.columns.map((col) => col.name), ...(t.computed ?? []).map((col) => col.name)];
  return `INSERT INTO ${t.name} (${cols.join(', ')})\n${selectSql(t, source)}`;
}
