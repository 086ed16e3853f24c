import { z } from 'zod';
import { id, isoDate, municipalityCode, timestampWithOffset } from '../schemas/primitives.ts';

/**
 * A report's parameters (contract §3, and `offer`), validated once with zod for the CLI and the API alike.
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
    // one offer's rows, in a report with one row per offer (an extension of contract §3: the
    // dashboards' offer filter, so that a CSV download holds the rows the page shows)
    offer: id.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.from && p.to && p.from > p.to) ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (${p.to})` });
    if (p.by && p.from) {
      const to = p.to ?? p.on ?? todayInCopenhagen();
      const n = periodCount(p.by, p.from, to);
      if (n > MAX_PERIODS) ctx.addIssue({ code: 'custom', path: ['by'], message: `gives ${n} periods from ${p.from} to ${to}; at most ${MAX_PERIODS}` });
    }
  });

/** The most periods one report run may have (100 years by month): a run over thousands of years is a typo, not a question. */
export const MAX_PERIODS = 1200;

/** The calendar periods (months, quarters or years) from `from` to `to`, both counted. */
export function periodCount(by: 'month' | 'quarter' | 'year', from: string, to: string): number {
  if (from > to) return 0;
  const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
  const per = { month: 1, quarter: 3, year: 12 }[by];
  return Math.floor(months(to) / per) - Math.floor(months(from) / per) + 1;
}

export type ReportParams = z.infer<typeof ReportParams>;

/** Today in Europe/Copenhagen, the default snapshot date (domain.md: all dates are Danish calendar dates). */
export function todayInCopenhagen(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
