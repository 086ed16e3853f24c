import { Sel104Error } from '../../schemas/errors.ts';
import { timestampWithOffset } from '../../schemas/primitives.ts';
import { todayInCopenhagen } from '../params.ts';

/**
 * The year a council report covers and the moment it is read as of. The default as-of is the
 * end of the year in Europe/Copenhagen when that has passed (the report is then reproducible by
 * default), else now; reports never look past what was known at the as-of moment, so the
 * snapshot date and the period end at the as-of date when the year is not over.
 */
export interface CouncilPeriod {
  year: number;
  /** ISO 8601 with offset: only events recorded at or before it count. */
  asOf: string;
  /** The first and last day of the period (inclusive), and the snapshot date (= to). */
  from: string;
  to: string;
  /** False when the as-of day is before the year's last day: the figures are year to date. */
  complete: boolean;
}

/** 31 December 23:59:59.999999 in Copenhagen (winter time, +01:00). */
export const endOfYear = (year: number): string => `${year}-12-31T23:59:59.999999+01:00`;

/** `now` as an ISO 8601 timestamp with Copenhagen's offset, to the second. */
export function nowInCopenhagen(now: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset',
    }).formatToParts(now).map((p) => [p.type, p.value]),
  );
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

export function councilPeriod(year: number, asOf: string | undefined, now: Date = new Date()): CouncilPeriod {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Sel104Error('SEL104_ERR_USAGE', `--year: must be a 4-digit year (got "${year}")`);
  if (asOf !== undefined && !timestampWithOffset.safeParse(asOf).success) {
    throw new Sel104Error('SEL104_ERR_USAGE', `--as-of: must be an ISO 8601 timestamp with offset, e.g. ${endOfYear(year)} (got "${asOf}")`);
  }
  const end = endOfYear(year);
  const at = asOf ?? (Date.parse(end) < now.getTime() ? end : nowInCopenhagen(now));
  const asOfDay = todayInCopenhagen(new Date(Date.parse(at)));
  const from = `${year}-01-01`;
  if (asOfDay < from) {
    throw new Sel104Error('SEL104_ERR_USAGE', asOf === undefined
      ? `--year ${year} has not begun yet (it is ${todayInCopenhagen(now)} in Copenhagen)`
      : `--as-of ${at} is before ${year} begins: nothing of the year is known yet`);
  }
  const lastDay = `${year}-12-31`;
  const to = asOfDay < lastDay ? asOfDay : lastDay;
  return { year, asOf: at, from, to, complete: to === lastDay };
}
