import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION, EVENT_TYPES, SCHEMA_VERSIONS, eventSchemas, type Event, type EventType } from './events.ts';
import { findCpr, looksLikeCpr } from './primitives.ts';
import { upcast } from './upcast.ts';

/** One reason a line was rejected: where (a field path, or "line") and which rule it broke. */
export interface Reason {
  path: string;
  rule: string;
}

export type Verdict =
  | { ok: true; event: Event; /** true when the event was lifted from an older schemaVersion */ upcast: boolean }
  | { ok: false; reasons: Reason[] };

export const formatReason = (r: Reason): string => `${r.path}: ${r.rule}`;

const compiled = Object.fromEntries(
  Object.entries(eventSchemas).map(([type, schema]) => [type, z.compile(schema)]),
) as unknown as Record<EventType, z.ZodType<Event>>;

const knownType = (t: unknown): t is EventType => typeof t === 'string' && Object.hasOwn(eventSchemas, t);

// Quick pre-check on the raw text: only lines with a 10-digit run (or DDMMYY-XXXX) are walked for CPR
// numbers. A cheap superset of CPR_CANDIDATE (no look-arounds): lines without it cannot hold a CPR
// number, unless a JSON escape spells a digit or the hyphen ("\u0030" is "0"), or a number is
// written with an exponent (1.501901234e9 is 1501901234), so those count too (a number: after a
// colon, comma or bracket, so that ids such as "265-c00e4" do not).
export const CPR_HINT = /\d{6}-?\d{4}|\\u00(?:3\d|2[dD])|[:,[]\s*\d+(?:\.\d+)?[eE]\+?\d/;
const CPR_ANYWHERE = /(?<!\d)\d{6}-?\d{4}(?!\d)/g;
const DIGIT_ESCAPE = /\\u00(?:3\d|2[dD])/g;
// a JSON number with an exponent (after a colon, comma or bracket: not an id such as "c00e4")
const EXPONENT = /[:,[]\s*\d+(?:\.\d+)?[eE]\+?\d/;
const EXPONENT_ALL = /([:,[]\s*)(\d+(?:\.\d+)?[eE]\+?\d+)/g;

/**
 * Replace CPR-like digit runs so a rejected line can be kept without keeping the number. Digits and
 * hyphens written as JSON escapes are written plainly first (the same JSON), so they cannot hide one.
 */
export const redactCpr = (raw: string): string => {
  const plain = raw.includes('\\u') ? raw.replace(DIGIT_ESCAPE, (e) => String.fromCharCode(parseInt(e.slice(2), 16))) : raw;
  // a number with an exponent is masked when its value is (1.501901234e9 is 1501901234)
  const spelled = EXPONENT.test(plain) ? plain.replace(EXPONENT_ALL, (_m, before: string, n: string) => before + (looksLikeCpr(String(Number(n))) ? n.replace(/\d/g, 'X') : n)) : plain;
  CPR_ANYWHERE.lastIndex = 0;
  return CPR_ANYWHERE.test(spelled) ? spelled.replace(CPR_ANYWHERE, (m) => m.replace(/\d/g, 'X')) : spelled === plain ? raw : spelled;
};

const at = (obj: unknown, path: readonly PropertyKey[]): unknown => {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
};

const joinPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');

function reasonsFromZod(error: z.ZodError, input: unknown): Reason[] {
  const out: Reason[] = [];
  for (const issue of error.issues) {
    const path = joinPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: path ? `${path}.${key}` : key, rule: 'unknown field' });
    } else if (issue.code !== 'custom' && issue.path.length > 0 && at(input, issue.path) === undefined) {
      out.push({ path, rule: 'required' });
    } else {
      out.push({ path: path || 'event', rule: issue.message });
    }
  }
  return out;
}

/**
 * Reasons as they may be kept and shown: a reason can quote the input (an unknown type, a
 * schemaVersion, a key as the path, the parser's excerpt of a line that is not JSON), so a
 * CPR-like digit run in it is redacted as in the kept raw text.
 */
const redactedReasons = (verdict: Verdict): Verdict =>
  verdict.ok ? verdict : { ok: false, reasons: verdict.reasons.map((r) => ({ path: redactCpr(r.path), rule: redactCpr(r.rule) })) };

/** Validate one NDJSON line. Never throws: every failure becomes a list of reasons. */
export function validateLine(line: string): Verdict {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (err) {
    const message = err instanceof SyntaxError ? err.message : 'unparseable';
    // The parser quotes the first characters of the line, cut where it likes ("x010190123"...):
    // a CPR number cut short there is no longer CPR-like, so in a line that may hold one every
    // digit quoted is masked (the position the parser gives stays).
    const detail = CPR_HINT.test(line) ? message.replace(/position \d+(?: \(line \d+ column \d+\))?|\d/g, (m) => (m.length > 1 ? m : 'X')) : message;
    return redactedReasons({ ok: false, reasons: [{ path: 'line', rule: `not valid JSON (${detail})` }] });
  }
  return redactedReasons(validateValue(input, CPR_HINT.test(line)));
}

/** Validate an already parsed value; `mayHoldCpr` false skips the CPR walk (the raw text had no candidate). */
export function validateValue(input: unknown, mayHoldCpr = true): Verdict {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const kind = Array.isArray(input) ? 'an array' : input === null ? 'null' : `a ${typeof input}`;
    return { ok: false, reasons: [{ path: 'line', rule: `must be one JSON object per line, not ${kind}` }] };
  }
  const reasons: Reason[] = [];
  if (mayHoldCpr) {
    for (const path of findCpr(input)) reasons.push({ path, rule: 'looks like a CPR number; no CPR number may enter the pipeline' });
  }
  const record = input as Record<string, unknown>;
  const version = record.schemaVersion;
  if (version === undefined) reasons.push({ path: 'schemaVersion', rule: 'required' });
  else if (typeof version !== 'number' || !Number.isInteger(version)) reasons.push({ path: 'schemaVersion', rule: 'must be an integer' });
  else if (version > CURRENT_SCHEMA_VERSION || version < 1) {
    reasons.push({ path: 'schemaVersion', rule: `unsupported schemaVersion ${version}; supported: ${SCHEMA_VERSIONS.join(", ")}` });
  }
  if (!knownType(record.type)) {
    reasons.push(
      record.type === undefined
        ? { path: 'type', rule: 'required' }
        : { path: 'type', rule: `unknown event type ${JSON.stringify(record.type)}; expected one of ${EVENT_TYPES.join(', ')}` },
    );
    return { ok: false, reasons };
  }
  if (reasons.length > 0) return { ok: false, reasons };
  const current = upcast(record);
  const result = compiled[record.type].safeParse(current);
  if (!result.success) return { ok: false, reasons: reasonsFromZod(result.error, current) };
  return { ok: true, event: result.data, upcast: current !== record };
}
