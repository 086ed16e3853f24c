/**
 * Danish formats for the council report: numbers with a thousands dot and a decimal comma
 * (1.234, 81,3 %), dates as "31. december 2024", and the same conventions handed to Vega.
 */
export const MONTHS = ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'] as const;
const SHORT_MONTHS = ['jan.', 'feb.', 'mar.', 'apr.', 'maj', 'jun.', 'jul.', 'aug.', 'sep.', 'okt.', 'nov.', 'dec.'];
const DAYS = ['søndag', 'mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag'];
const SHORT_DAYS = ['søn.', 'man.', 'tir.', 'ons.', 'tor.', 'fre.', 'lør.'];

/** d3-format's locale definition (what vega's formatLocale takes). */
export const NUMBER_LOCALE = Object.freeze({ decimal: ',', thousands: '.', grouping: [3], currency: ['', ' kr.'] });

/** d3-time-format's locale definition (what vega's timeFormatLocale takes). */
export const TIME_LOCALE = Object.freeze({
  dateTime: '%A den %e. %B %Y kl. %H.%M.%S',
  date: '%d.%m.%Y',
  time: '%H.%M.%S',
  periods: ['', ''],
  days: DAYS,
  shortDays: SHORT_DAYS,
  months: [...MONTHS],
  shortMonths: SHORT_MONTHS,
});

/** 1234567 → "1.234.567"; −3 → "−3". Integers only: counts are never fractional. */
export function formatInt(n: number): string {
  const digits = String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return n < 0 ? `−${digits}` : digits;
}

/** 81.3 → "81,3"; one decimal, as the reports' percentages (contract §4). */
export function formatDecimal(n: number, decimals = 1): string {
  const [int, frac] = Math.abs(n).toFixed(decimals).split('.');
  const sign = n < 0 && Number(Math.abs(n).toFixed(decimals)) !== 0 ? '−' : '';
  return `${sign}${formatInt(Number(int))}${frac ? `,${frac}` : ''}`;
}

/** 81.3 → "81,3 %" (Danish puts a space before the sign; a no-break space, so no line ends between them). */
export const formatPct = (n: number): string => `${formatDecimal(n)}\u00a0%`;

/** A configured percentage (a threshold): "30 %", with decimals only when it has them. */
export const formatThresholdPct = (n: number): string => (Number.isInteger(n) ? `${formatInt(n)}\u00a0%` : formatPct(n));

/** "2024-12-31" → "31. december 2024". */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}. ${MONTHS[m! - 1]} ${y}`;
}

/** "2024-Q3" → "3. kvartal". */
export const quarterLabel = (period: string): string => `${period.slice(-1)}. kvartal`;

/** "1", "2", … with "dag"/"dage". */
export const daysLabel = (n: number): string => `${n} ${n === 1 ? 'dag' : 'dage'}`;

/** A list in Danish: "a", "a og b", "a, b og c". */
export function joinDanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} og ${items.at(-1)}`;
}
