import { addMonths, fromYmd, ymd, type Day } from './calendar.ts';

/**
 * Ages from a birth month. Only the birth month is ever known (privacy), and age counts in
 * completed years from the first day of that month (domain.md, "Metric definitions").
 */

/** Folkepensionsalder in months by birth month (lov om social pension §1a, table in domain.md). */
export function pensionAgeMonths(birthYear: number, birthMonth: number): number {
  const ym = birthYear * 100 + birthMonth;
  if (ym < 195401) return 65 * 12;
  if (ym <= 195406) return 65 * 12 + 6;
  if (ym <= 195412) return 66 * 12;
  if (ym <= 195506) return 66 * 12 + 6;
  if (ym <= 196212) return 67 * 12;
  if (ym <= 196612) return 68 * 12;
  if (ym <= 197012) return 69 * 12;
  return 70 * 12;
}

/** First day on which a citizen born in the month starting on `birth` has reached folkepensionsalder. */
export function pensionDay(birth: Day): Day {
  const [y, m] = ymd(birth);
  return addMonths(birth, pensionAgeMonths(y, m));
}

/** The first day of the month `months` months before the month containing `day`. */
export function birthForAge(day: Day, months: number): Day {
  const [y, m] = ymd(day);
  const total = y * 12 + (m - 1) - months;
  return fromYmd(Math.floor(total / 12), (total % 12) + 1, 1);
}

/** Day of the 18th birthday, counted from the first day of the birth month. */
export const adultDay = (birth: Day): Day => addMonths(birth, 18 * 12);
