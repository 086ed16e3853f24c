import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHIPPED_STANDARDS_DIR, loadStandards, versionInForce } from '../schemas/standard.ts';

describe('quality standards as data (contract §2)', () => {
  const standards = loadStandards();

  it('ships Lejre (350) and Roskilde (265), frozen', () => {
    expect([...standards.keys()].sort()).toEqual(['265', '350']);
    const lejre = standards.get('350')!;
    expect(Object.isFrozen(lejre)).toBe(true);
    expect(Object.isFrozen(lejre.versions[0]!.targetGroup)).toBe(true);
  });

  it('encodes the shipped values the contract names', () => {
    const [old, revised] = standards.get('350')!.versions;
    expect(old).toMatchObject({ id: 'lejre-old', effectiveFrom: '2019-01-01', processingDeadlineWeeks: 20, actionPlanRequired: false, providersMustBeApproved: false });
    expect(old!.targetGroup.minFunctionLevel).toBeNull();
    expect(revised).toMatchObject({ id: 'lejre-2021', effectiveFrom: '2022-01-01', processingDeadlineWeeks: 12, actionPlanRequired: true, providersMustBeApproved: true });
    expect(revised!.targetGroup.minFunctionLevel).toBe(3);
    const [roskilde] = standards.get('265')!.versions;
    expect(roskilde).toMatchObject({ id: 'roskilde', processingDeadlineWeeks: null, actionPlanRequired: false });
    expect(roskilde!.targetGroup.maxAgeIsPensionAge).toBe(true);
    for (const v of [old!, revised!, roskilde!]) {
      expect(v).toMatchObject({ daysPerWeek: { min: 1, max: 5 }, followUpMonths: 12, complaintWindowDays: 28, forwardWithinDays: 28, absenceFlagPct: 30 });
      expect(v.targetGroup.minAge).toBe(18);
    }
    expect(revised!.source).toMatch(/xx 2021/);
    expect(revised!.source).toMatch(/inden for 12 uger/);
    expect(old!.source).toMatch(/Sagsbehandlingsfrist 20 uger/);
  });

  it('applies the version in force on the received date', () => {
    const lejre = standards.get('350')!;
    expect(versionInForce(lejre, '2021-12-31')?.id).toBe('lejre-old');
    expect(versionInForce(lejre, '2022-01-01')?.id).toBe('lejre-2021');
    expect(versionInForce(lejre, '2018-12-31')).toBeUndefined();
  });

  it('rejects a broken standard with the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sel104-std-'));
    try {
      const broken = JSON.parse(readFileSync(join(SHIPPED_STANDARDS_DIR, '350.json'), 'utf8')) as { versions: { daysPerWeek: { max: number } }[] };
      broken.versions[1]!.daysPerWeek.max = 7;
      writeFileSync(join(dir, '350.json'), JSON.stringify(broken));
      expect(() => loadStandards(dir)).toThrow(/350\.json: versions\.1\.daysPerWeek\.max: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
