import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleWording, sourceClauses } from '../../reports/evidence.ts';
import { loadStandards } from '../../schemas/standard.ts';
import { caseOf, given, type Scenario } from '../scenario.ts';

/**
 * standard-evidence, worked out by hand on Lejre (350): lejre-old (20 weeks, no VUM level, no
 * action plan rule) for applications received before 2022-01-01, lejre-2021 (12 weeks, VUM level
 * 3 or higher, action plan required) from then. Days from receipt to decision:
 *   A  received 2021-06-01, granted 2021-09-09: 100 days (within 20 weeks = 140, not 12 = 84); VUM 1
 *   D  received 2021-01-04, rejected 2021-06-03: 150 days (late under both)
 *   B  received 2022-03-01, granted 2022-05-10:  70 days (within both); VUM 2
 *   C  received 2022-03-01, granted 2022-06-29: 120 days (within 20 weeks only); VUM 3, action plan offered
 */
const A = caseOf('350', 'ev-a');
const B = caseOf('350', 'ev-b');
const C = caseOf('350', 'ev-c');
const D = caseOf('350', 'ev-d');

let s: Scenario;
beforeAll(async () => {
  s = await given([
    A.applied('2021-06-01'), A.assessed('2021-07-01', 1), A.granted('2021-09-09'),
    D.applied('2021-01-04'), D.rejected('2021-06-03'),
    B.applied('2022-03-01'), B.assessed('2022-04-01', 2), B.granted('2022-05-10'),
    C.applied('2022-03-01'), C.assessed('2022-04-01', 3), C.granted('2022-06-29'), C.actionPlan('2022-07-05'),
  ]);
});
afterAll(() => s.close());

const row = (rows: Record<string, unknown>[], rule: string, version: string) => {
  const r = rows.find((x) => x.rule === rule && x.standardVersion === version);
  if (!r) throw new Error(`no row for ${rule} × ${version}`);
  return { value: r.value, inForce: [r.inForceBase, r.inForcePct], ifApplied: [r.ifAppliedBase, r.ifAppliedPct] };
};

describe('standard-evidence: each rule under each version, side by side', () => {
  it('processing deadline: practice under each version, and every decision against each deadline', async () => {
    const rows = await s.report('standard-evidence', { municipality: '350', on: '2023-12-31' });
    // lejre-old: its own applications A ✓, D ✗ → 1 of 2 = 50.0; with 20 weeks for all: A B C ✓, D ✗ → 75.0
    expect(row(rows, 'processing_deadline', 'lejre-old')).toEqual({ value: '20 weeks', inForce: [2, 50], ifApplied: [4, 75] });
    // lejre-2021: B ✓, C ✗ → 50.0; with 12 weeks for all: only B ✓ → 1 of 4 = 25.0
    expect(row(rows, 'processing_deadline', 'lejre-2021')).toEqual({ value: '12 weeks', inForce: [2, 50], ifApplied: [4, 25] });
  });

  it('target group (VUM level) and action plan: grants decided while in force, and all grants', async () => {
    const rows = await s.report('standard-evidence', { municipality: '350', on: '2023-12-31' });
    // lejre-old has neither rule: no share; its grants while in force (to 2021-12-31): A; all grants: A B C
    expect(row(rows, 'target_group_function_level', 'lejre-old')).toEqual({ value: null, inForce: [1, null], ifApplied: [3, null] });
    // level ≥ 3 while in force: B ✗, C ✓ → 50.0; for all grants: A ✗ B ✗ C ✓ → 1 of 3 = 33.3
    expect(row(rows, 'target_group_function_level', 'lejre-2021')).toEqual({ value: 'VUM level 3 or higher', inForce: [2, 50], ifApplied: [3, 33.3] });
    // an action plan offered within 30 days: only C → 1 of 2 = 50.0 while in force, 1 of 3 = 33.3 for all
    expect(row(rows, 'action_plan', 'lejre-2021')).toEqual({ value: 'required', inForce: [2, 50], ifApplied: [3, 33.3] });
    expect(row(rows, 'action_plan', 'lejre-old').value).toBeNull();
  });

  it('a period filter applies to both columns: 2022 only', async () => {
    const rows = await s.report('standard-evidence', { municipality: '350', from: '2022-01-01', to: '2022-12-31', on: '2023-12-31' });
    // decisions in 2022: B (70 days) and C (120 days), both received under lejre-2021
    expect(row(rows, 'processing_deadline', 'lejre-old')).toEqual({ value: '20 weeks', inForce: [0, null], ifApplied: [2, 100] });
    expect(row(rows, 'processing_deadline', 'lejre-2021')).toEqual({ value: '12 weeks', inForce: [2, 50], ifApplied: [2, 50] });
  });

  it('one row per rule × version for every municipality, with the wording of each version', async () => {
    const rows = await s.report('standard-evidence', { on: '2023-12-31' });
    // Lejre 8 rules × 2 versions, Roskilde 8 × 1
    expect(rows).toHaveLength(24);
    expect(String(rows.find((r) => r.rule === 'processing_deadline' && r.standardVersion === 'lejre-old')!.wording)).toContain('Sagsbehandlingsfrist 20 uger');
    expect(String(rows.find((r) => r.rule === 'processing_deadline' && r.standardVersion === 'lejre-2021')!.wording)).toContain('inden for 12 uger');
    expect(rows.find((r) => r.rule === 'processing_deadline' && r.municipality === '265')!.value).toBeNull();
  });

  it('rejects --by: versions are compared over one period', async () => {
    await expect(s.report('standard-evidence', { on: '2023-12-31', by: 'year' })).rejects.toThrow(/by: /);
  });
});

describe('standard-evidence: each version measured by its own days-per-week range', () => {
  // Lejre with lejre-old allowing 1–3 days and lejre-2021 1–5. One grant of 4 days a week,
  // received 2022-02-01, decided 2022-03-01, in effect from 2022-03-07, never ended.
  const lejre = loadStandards().get('350')!;
  const standards = new Map([['350', { ...lejre, versions: lejre.versions.map((v, i) => ({ ...v, daysPerWeek: { min: 1, max: i === 0 ? 3 : 5 } })) }]]);
  const E = caseOf('350', 'ev-e');
  let t: Scenario;
  beforeAll(async () => {
    t = await given([E.applied('2022-02-01'), E.granted('2022-03-01', { daysPerWeek: 4, startDate: '2022-03-07' })], { standards });
  });
  afterAll(() => t.close());

  it('in force and if applied, on 2023-12-31', async () => {
    const rows = await t.report('standard-evidence', { municipality: '350', on: '2023-12-31' });
    // lejre-2021 in force from 2022-01-01, snapshot 2023-12-31: the 4-day grant is inside 1–5 → 1 of 1
    expect(row(rows, 'days_per_week', 'lejre-2021')).toEqual({ value: '1–5 days', inForce: [1, 100], ifApplied: [1, 100] });
    // lejre-old in force to 2021-12-31 (snapshot then: no grant yet); applied to the whole period,
    // snapshot 2023-12-31: 4 days is outside 1–3 → 0 of 1
    expect(row(rows, 'days_per_week', 'lejre-old')).toEqual({ value: '1–3 days', inForce: [0, null], ifApplied: [1, 0] });
  });
});

describe('standard-evidence: a version that changes only the follow-up interval and the forwarding time', () => {
  // Lejre with lejre-old at 6 months and 14 days (lejre-2021 keeps 12 months and 28 days). The
  // hypothetical runs must measure these rules again under each version's values.
  //   F  received 2021-01-04, granted 2021-02-01 (start then); follow-up 2021-09-01: 7 months after the start
  //      complaint 2021-02-10, maintained, forwarded 2021-03-06: 24 days after receipt
  //   G  received 2022-02-01, granted 2022-03-01 (start then); follow-up 2023-01-15: 10½ months after the start
  //      complaint 2022-03-10, partly in favour, forwarded 2022-03-30: 20 days after receipt
  const lejre = loadStandards().get('350')!;
  const standards = new Map([['350', { ...lejre, versions: lejre.versions.map((v, i) => (i === 0 ? { ...v, followUpMonths: 6, forwardWithinDays: 14 } : v)) }]]);
  const F = caseOf('350', 'ev-f');
  const G = caseOf('350', 'ev-g');
  let t: Scenario;
  beforeAll(async () => {
    t = await given([
      F.applied('2021-01-04'), F.granted('2021-02-01'), F.followUp('2021-09-01'),
      F.complaint('2021-02-10', 'k-f'), F.reassessed('2021-02-20', 'k-f', 'maintained'), F.forwarded('2021-03-06', 'k-f'),
      G.applied('2022-02-01'), G.granted('2022-03-01'), G.followUp('2023-01-15'),
      G.complaint('2022-03-10', 'k-g'), G.reassessed('2022-03-15', 'k-g', 'partial'), G.forwarded('2022-03-30', 'k-g'),
    ], { standards });
  });
  afterAll(() => t.close());

  it('follow-up interval: 6 months makes both follow-ups late, 12 months neither', async () => {
    const rows = await t.report('standard-evidence', { municipality: '350', on: '2023-12-31' });
    // lejre-old in force (to 2021-12-31): F, due 2021-08-01 → late; applied to all: G due 2022-09-01 → late too
    expect(row(rows, 'follow_up_interval', 'lejre-old')).toEqual({ value: '6 months', inForce: [1, 0], ifApplied: [2, 0] });
    // lejre-2021 in force: G, due 2023-03-01 → on time; applied to all: F due 2022-02-01 → on time too
    expect(row(rows, 'follow_up_interval', 'lejre-2021')).toEqual({ value: '12 months', inForce: [1, 100], ifApplied: [2, 100] });
  });

  it('complaint forwarding: 14 days makes both forwardings late, 28 days neither', async () => {
    const rows = await t.report('standard-evidence', { municipality: '350', on: '2023-12-31' });
    expect(row(rows, 'complaint_forwarding', 'lejre-old')).toEqual({ value: '14 days', inForce: [1, 0], ifApplied: [2, 0] });
    expect(row(rows, 'complaint_forwarding', 'lejre-2021')).toEqual({ value: '28 days', inForce: [1, 100], ifApplied: [2, 100] });
  });
});

describe('rule wording from a version source', () => {
  const standards = loadStandards();
  const source = (id: string) => [...standards.values()].flatMap((x) => x.versions).find((v) => v.id === id)!.source;

  it('splits at sentence ends and semicolons outside quotes, keeping the section label', () => {
    expect(sourceClauses('§3: "a. B"; "c" (note). §4: "d." Omfang: "e"')).toEqual(['§3: "a. B"', '§3: "c" (note).', '§4: "d."', 'Omfang: "e"']);
  });

  it('finds each rule in the shipped sources', () => {
    expect(ruleWording('follow_up_interval', source('lejre-old'))).toBe('§12: "Der foretages en opfølgning en gang pr. år, på de visiterede tilbud."');
    expect(ruleWording('complaint_forwarding', source('lejre-2021'))).toContain('videresender vi din klage til Ankestyrelsen');
    expect(ruleWording('target_group_age', source('roskilde'))).toBe('Målgruppe: "er over 18 år og under folkepensionsalderen".');
    expect(ruleWording('action_plan', source('lejre-old'))).toBe('No action plan rule in the old text.');
    expect(ruleWording('target_group_function_level', source('roskilde'))).toBeNull();
  });
});
