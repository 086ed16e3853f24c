import { z } from 'zod';
import { isoDate, municipalityCode, timestampWithOffset } from '../schemas/primitives.ts';

/**
 * A report's parameters (contract §3), validated once with zod for the CLI and the API alike.
 * `from`/`to` are inclusive and apply to each metric's anchor date; `on` is the snapshot date;
 * `asOf` keeps only events recorded at or before it.
 */
export const ReportParams = z
  .strictObject({
    municipality: municipalityCode.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    on: isoDate.optional(),
    asOf: timestampWithOffset.optional(),
    by: z.enum(['month', 'quarter', 'year'], { error: 'must be month, quarter or year' }).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.from && p.to && p.from > p.to) ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${p.to})` });
  });

export type ReportParams = z.infer<typeof ReportParams>;

/** Today in Europe/Copenhagen, the default snapshot date (domain.md: all dates are Danish calendar dates). */
export function todayInCopenhagen(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
