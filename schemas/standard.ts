import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isoDate, municipalityCode } from './primitives.ts';
import { Sel104Error } from './errors.ts';

/** Contract §2: a municipality's quality standard (kvalitetsstandard) as data. */
const nonNegInt = z.number().int().nonnegative();

export const StandardVersion = z.strictObject({
  id: z.string().min(1),
  effectiveFrom: isoDate,
  processingDeadlineWeeks: z.number().int().positive().nullable(),
  daysPerWeek: z.strictObject({ min: z.number().int().min(1).max(5), max: z.number().int().min(1).max(5) })
    .refine((d) => d.min <= d.max, 'min must not exceed max'),
  followUpMonths: z.number().int().positive(),
  complaintWindowDays: nonNegInt,
  forwardWithinDays: nonNegInt,
  targetGroup: z.strictObject({
    minAge: nonNegInt,
    maxAgeIsPensionAge: z.boolean(),
    minFunctionLevel: z.number().int().min(0).max(4).nullable(),
  }),
  actionPlanRequired: z.boolean(),
  providersMustBeApproved: z.boolean(),
  absenceFlagPct: z.number().min(0).max(100),
  source: z.string().min(1),
});

export const Standard = z
  .strictObject({
    municipality: municipalityCode,
    name: z.string().min(1),
    versions: z.array(StandardVersion).min(1),
  })
  .superRefine((s, ctx) => {
    s.versions.forEach((v, i) => {
      const prev = s.versions[i - 1];
      if (prev && prev.effectiveFrom >= v.effectiveFrom) {
        ctx.addIssue({ code: 'custom', path: ['versions', i, 'effectiveFrom'], message: 'versions must be in increasing effectiveFrom order' });
      }
    });
    const ids = new Set(s.versions.map((v) => v.id));
    if (ids.size !== s.versions.length) ctx.addIssue({ code: 'custom', path: ['versions'], message: 'version ids must be unique' });
  });

export type StandardVersion = z.infer<typeof StandardVersion>;
export type Standard = z.infer<typeof Standard>;

export const SHIPPED_STANDARDS_DIR = fileURLToPath(new URL('../standards/', import.meta.url));

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
};

/** Reads and validates every `*.json` in `dir`, once; the result is frozen. */
export function loadStandards(dir: string = SHIPPED_STANDARDS_DIR): ReadonlyMap<string, Standard> {
  const out = new Map<string, Standard>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Sel104Error('SEL104_ERR_USAGE', `standards directory not found: ${dir}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const path = join(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new Sel104Error('SEL104_ERR_STANDARD_INVALID', `${path}: not valid JSON (${(err as Error).message})`);
    }
    const parsed = Standard.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Sel104Error('SEL104_ERR_STANDARD_INVALID', `${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    if (out.has(parsed.data.municipality)) {
      throw new Sel104Error('SEL104_ERR_STANDARD_INVALID', `${path}: a second standard for municipality ${parsed.data.municipality}`);
    }
    out.set(parsed.data.municipality, deepFreeze(parsed.data));
  }
  if (out.size === 0) throw new Sel104Error('SEL104_ERR_STANDARD_INVALID', `${dir}: no standards (*.json) found`);
  return out;
}

/** The version in force on `date` (YYYY-MM-DD): the last one whose effectiveFrom ≤ date. */
export function versionInForce(standard: Standard, date: string): StandardVersion | undefined {
  let found: StandardVersion | undefined;
  for (const v of standard.versions) if (v.effectiveFrom <= date) found = v;
  return found;
}
