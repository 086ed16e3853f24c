import { z } from 'zod';

// Calendar-checked dates: the regex admits 2024-02-29 and rejects 2023-02-29 and 2024-02-30.
const DAY = '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8])))';
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_REAL = new RegExp(`^${DAY}$`);
const TIMESTAMP = new RegExp(`^${DAY}T(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)$`);

/**
 * A calendar date `YYYY-MM-DD`. One pattern does both checks (so the JSON Schema and the SQL
 * validator carry the whole rule); the message tells a wrong format from an impossible day.
 */
export const isoDate = z.string({ error: 'must be a date YYYY-MM-DD' }).regex(DATE_REAL, {
  error: (issue) =>
    typeof issue.input === 'string' && DATE_SHAPE.test(issue.input) ? 'must be a real calendar date' : 'must be a date in the format YYYY-MM-DD',
});

/** ISO 8601 timestamp with an offset (Z or ±hh:mm). */
/**
 * A timestamp the pattern admits, as SQL: ISO 8601 lets the seconds go (`2024-01-08T09:00+01:00`),
 * which DuckDB's cast does not read; they are put in as :00.
 */
export const sqlTimestamp = (expr: string): string =>
  `CAST(regexp_replace(${expr}, '^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2})(Z|[+-])', '\\1:00\\2') AS TIMESTAMPTZ)`;

export const timestampWithOffset = z
  .string({ error: 'must be an ISO 8601 timestamp with offset' })
  .regex(TIMESTAMP, 'must be an ISO 8601 timestamp with offset, e.g. 2025-01-06T09:12:00+01:00');

export const birthMonth = z
  .string({ error: 'must be a month YYYY-MM' })
  .regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

/** Identifiers: pseudonymous, opaque, 1–100 characters. */
export const id = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

export const intRange = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number ${min}–${max}` })
    .int(`must be a whole number ${min}–${max}`)
    .min(min, `must be ${min}–${max}`)
    .max(max, `must be ${min}–${max}`);

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const bool = z.boolean({ error: 'must be true or false' });

export const municipalityCode = z
  .string({ error: 'must be a 3-digit municipality code' })
  .regex(/^\d{3}$/, 'must be a 3-digit municipality code');

const daysIn = (month: number, yy: number): number =>
  month === 2 ? (yy % 4 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const validDdmmyy = (digits: string): boolean => {
  const dd = Number(digits.slice(0, 2));
  const mm = Number(digits.slice(2, 4));
  const yy = Number(digits.slice(4, 6));
  return mm >= 1 && mm <= 12 && dd >= 1 && dd <= daysIn(mm, yy);
};

// CPR: DDMMYY-XXXX, or ten digits whose first six form a date; not part of a longer digit run.
const CPR_CANDIDATE = /(?<!\d)(\d{6})-?(\d{4})(?!\d)/g;

/** True when the string holds something that looks like a Danish CPR number. */
export function looksLikeCpr(s: string): boolean {
  if (s.length < 10) return false;
  CPR_CANDIDATE.lastIndex = 0;
  for (let m = CPR_CANDIDATE.exec(s); m; m = CPR_CANDIDATE.exec(s)) {
    if (validDdmmyy(m[1]!)) return true;
  }
  return false;
}

/**
 * Paths of every string (key or value) in a parsed JSON value that looks like a CPR number, and
 * of every whole number whose digits do (a capacity of 1501901234, or 1.501901234e9).
 */
export function findCpr(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return looksLikeCpr(value) ? [path || '(value)'] : [];
  if (typeof value === 'number') return Number.isSafeInteger(value) && looksLikeCpr(String(value)) ? [path || '(value)'] : [];
  if (value === null || typeof value !== 'object') return [];
  const hits: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => hits.push(...findCpr(v, `${path}[${i}]`)));
    return hits;
  }
  for (const key of Object.keys(value)) {
    const p = path ? `${path}.${key}` : key;
    if (looksLikeCpr(key)) hits.push(p);
    hits.push(...findCpr((value as Record<string, unknown>)[key], p));
  }
  return hits;
}
