/**
 * Dates as integer day numbers (days since 1970-01-01). The simulation steps millions of times;
 * Date objects and string parsing in that loop would dominate the run time, so days are ints
 * and their 'YYYY-MM-DD' strings are cached.
 */

export type Day = number;

/** Days from civil date (H. Hinnant's algorithm; proleptic Gregorian, month 1–12). */
export function fromYmd(y: number, m: number, d: number): Day {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date from days: [year, month 1–12, day 1–31]. */
export function ymd(day: Day): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d];
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** 'YYYY-MM-DD' → day number. The caller has validated the format. */
export function toDay(s: string): Day {
  return fromYmd(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}

const dayStrings = new Map<Day, string>();

/** Day number → 'YYYY-MM-DD', cached: a 7-year run touches only a few thousand distinct days. */
export function dayString(day: Day): string {
  let s = dayStrings.get(day);
  if (s === undefined) {
    const [y, m, d] = ymd(day);
    s = `${y}-${pad2(m)}-${pad2(d)}`;
    dayStrings.set(day, s);
  }
  return s;
}

/** 'YYYY-MM' of the month containing the day. */
export function monthString(day: Day): string {
  return dayString(day).slice(0, 7);
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export const weekday = (day: Day): number => (((day + 3) % 7) + 7) % 7;

export const isWeekend = (day: Day): boolean => weekday(day) >= 5;

/** Case work (decisions, meetings, registrations) happens on working days. */
export function nextWorkday(day: Day): Day {
  const w = weekday(day);
  return w === 5 ? day + 2 : w === 6 ? day + 1 : day;
}

/** Same day of month n calendar months later, clamped to the month's last day. */
export function addMonths(day: Day, months: number): Day {
  const [y, m, d] = ymd(day);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = fromYmd(nm === 12 ? ny + 1 : ny, nm === 12 ? 1 : nm + 1, 1) - 1;
  return Math.min(fromYmd(ny, nm, d), last);
}

/** First day of the month containing the day. */
export function monthStart(day: Day): Day {
  const [y, m] = ymd(day);
  return fromYmd(y, m, 1);
}

/** Day-centre closure between Christmas Eve and New Year's Day: no attendance is planned then. */
export function isClosureDay(day: Day): boolean {
  const [, m, d] = ymd(day);
  return (m === 12 && d >= 24) || (m === 1 && d === 1);
}

const lastSunday = (y: number, m: number): Day => {
  const last = fromYmd(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1;
  return last - ((weekday(last) + 1) % 7);
};

const summerByYear = new Map<number, [Day, Day]>();

/**
 * Danish UTC offset for working hours on a day: CEST (+02:00) from the last Sunday of March up to
 * the day before the last Sunday of October. The switches happen at night, so a whole day has one
 * offset during office hours.
 */
export function utcOffset(day: Day): '+01:00' | '+02:00' {
  const [y] = ymd(day);
  let span = summerByYear.get(y);
  if (!span) {
    span = [lastSunday(y, 3), lastSunday(y, 10)];
    summerByYear.set(y, span);
  }
  return day >= span[0] && day < span[1] ? '+02:00' : '+01:00';
}
