import { z } from 'zod';
import { EVENT_TYPES, eventSchemas, type EventType } from './events.ts';

/**
 * Bulk validation inside DuckDB, derived from the same zod schemas (through their JSON Schema).
 *
 * The SQL is deliberately one-sided: it answers "certainly valid" or "not sure". Lines it is not
 * sure about go to zod, which gives the verdict and words the reasons. So the SQL must never
 * accept what zod rejects; it may send zod lines that zod accepts (numbers written as 1.0, a
 * ten-digit run that is not a date, …). test/sqlValidator.int.spec.ts proves this on a corpus.
 *
 * Zod refinements are functions and do not reach the JSON Schema, so each one is mirrored here
 * by hand. A type whose count of refinements differs from its mirror is never accepted by SQL:
 * adding a refinement without its SQL makes that type slower, never wrong.
 */

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  enum?: (string | number)[];
  const?: string | number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
};

interface Ctx {
  /** SQL for the JSON type at a path ('VARCHAR', 'BIGINT', 'OBJECT', …; NULL when absent). */
  t(path: string): string;
  /** SQL for the value at a path as text (strings unquoted). */
  v(path: string): string;
}

/** Hand-written mirrors of the zod refinements in schemas/events.ts, one entry per refinement. */
const REFINEMENTS: Partial<Record<EventType, ((c: Ctx) => string)[]>> = {
  OfferLegalBasisChanged: [(c) => `${c.v('$.data.from')} <> ${c.v('$.data.to')}`],
  // One superRefine: a grant unless rejected, and none when rejected.
  DecisionMade: [(c) => `((${c.v('$.data.outcome')} = 'rejected') = (${c.t('$.data.grant')} IS NULL))`],
  GrantChanged: [(c) => `(${c.t('$.data.daysPerWeek')} IS NOT NULL OR ${c.t('$.data.offerId')} IS NOT NULL OR ${c.t('$.data.transport')} IS NOT NULL)`],
  ComplaintReceived: [(c) => `(${c.v('$.data.subject')} <> 'decision' OR ${c.t('$.data.decisionId')} IS NOT NULL)`],
};

/** Counts zod's custom checks (refine/superRefine) anywhere in a schema. */
function countRefinements(schema: z.ZodType): number {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  let n = ((def.checks as { _zod: { def: { check: string } } }[] | undefined) ?? []).filter((c) => c._zod.def.check === 'custom').length;
  for (const key of ['innerType', 'element', 'in', 'out'] as const) if (def[key]) n += countRefinements(def[key] as z.ZodType);
  if (def.shape) for (const child of Object.values(def.shape as Record<string, z.ZodType>)) n += countRefinements(child);
  if (def.options) for (const child of def.options as z.ZodType[]) n += countRefinements(child);
  return n;
}

const quote = (v: string | number): string => (typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`);

/** Envelope fields, first in every type's path list, so v1 … v8 are these for every type. */
export const ENVELOPE_PATHS = ['$.eventId', '$.type', '$.schemaVersion', '$.municipality', '$.caseId', '$.occurredOn', '$.recordedAt', '$.source'] as const;

export interface TypeValidator {
  type: EventType;
  /** JSON paths whose type and text are read once per line: columns t{i + 1} and v{i + 1} are paths[i]. */
  paths: string[];
  /** Object paths whose keys are read once per line: column k{i + 1} is objectPaths[i]. */
  objectPaths: string[];
  /** SQL boolean over `body` and the columns t…, v…, k…: the line is certainly valid. */
  predicate: string;
  /**
   * A SELECT over `source` (columns i, body) giving i, body and t1…, v1…, k1…
   * for this type. Text that is not JSON gets NULL lists (TRY), so nothing about it is certain and it
   * goes to zod; TRY costs nothing on valid lines, where json_valid was a parse of its own.
   */
  lists(source: string): string;
}

export interface SqlValidator {
  types: TypeValidator[];
  /** Types whose zod refinements lack an SQL mirror (always sent to zod). */
  uncovered: EventType[];
}

/** Builds the SQL for one event type from its zod schema's JSON Schema and its refinement mirrors. */
function typeValidator(type: EventType, mirrors: ((c: Ctx) => string)[]): TypeValidator {
  const paths: string[] = [];
  const objectPaths: string[] = [];
  const slot = (list: string[], name: string) => {
    const index = new Map<string, number>();
    return (path: string): string => {
      let i = index.get(path);
      if (i === undefined) {
        i = list.push(path);
        index.set(path, i);
      }
      return `${name}${i}`;
    };
  };
  const t = slot(paths, 't');
  const k = slot(objectPaths, 'k');
  const v = (path: string): string => t(path).replace(/^t/, 'v');
  for (const p of ENVELOPE_PATHS) t(p);

  /** Checks for the value at `path` against a JSON Schema node, given that it is present. */
  const check = (node: JsonSchema, path: string): string[] => {
    // The line itself ('$') has no type or text column: it is known to be an object.
    const typ = path === '$' ? '' : t(path);
    const val = path === '$' ? '' : v(path);
    if (node.const !== undefined) {
      return typeof node.const === 'number'
        ? [`${typ} IN ('UBIGINT', 'BIGINT')`, `TRY_CAST(${val} AS BIGINT) = ${node.const}`]
        : [`${typ} = 'VARCHAR'`, `${val} = ${quote(node.const)}`];
    }
    const out: string[] = [];
    switch (node.type) {
      case 'string':
        out.push(`${typ} = 'VARCHAR'`);
        if (node.enum) out.push(`${val} IN (${node.enum.map(quote).join(', ')})`);
        // length() counts code points (≤ UTF-16 units), strlen() bytes (≥ UTF-16 units): both err towards "not sure".
        if (node.minLength !== undefined) out.push(`length(${val}) >= ${node.minLength}`);
        if (node.maxLength !== undefined) out.push(`strlen(${val}) <= ${node.maxLength}`);
        if (node.pattern !== undefined) out.push(`regexp_full_match(${val}, ${quote(node.pattern)})`);
        return out;
      case 'integer':
      case 'number': {
        out.push(`${typ} IN ('UBIGINT', 'BIGINT')`);
        const n = `TRY_CAST(${val} AS BIGINT)`;
        if (node.minimum !== undefined) out.push(`${n} >= ${node.minimum}`);
        if (node.maximum !== undefined) out.push(`${n} <= ${node.maximum}`);
        if (node.exclusiveMinimum !== undefined) out.push(`${n} > ${node.exclusiveMinimum}`);
        if (node.exclusiveMaximum !== undefined) out.push(`${n} < ${node.exclusiveMaximum}`);
        // Integers beyond ±2^53 are not the same number in JavaScript: leave them to zod.
        out.push(`abs(${n}) < 9007199254740991`);
        return out;
      }
      case 'boolean':
        return [`${typ} = 'BOOLEAN'`];
      case 'array': {
        const items = node.items;
        if (!items || items.type !== 'string' || !items.enum) throw new Error(`sqlValidator: unsupported array items at ${path}`);
        // The text of an array is DuckDB's minified JSON; anything unusual (escapes) fails the pattern.
        const item = `"(?:${items.enum.join('|')})"`;
        const body = `${item}(?:,${item})*`;
        out.push(`${typ} = 'ARRAY'`);
        out.push(`regexp_full_match(${val}, ${quote((node.minItems ?? 0) > 0 ? `\\[${body}\\]` : `\\[(?:${body})?\\]`)})`);
        return out;
      }
      case 'object': {
        if (node.additionalProperties !== false) throw new Error(`sqlValidator: ${path} must be a strict object`);
        const props = node.properties ?? {};
        const keys = `len(${k(path)})`;
        if (path !== '$') out.push(`${typ} = 'OBJECT'`);
        // Strict objects: the object has exactly as many keys as it has distinct allowed keys, so no
        // key outside the schema and no key twice (where JSON.parse would keep the last).
        const present = Object.keys(props).map((key) => `CAST(${t(path === '$' ? `$.${key}` : `${path}.${key}`)} IS NOT NULL AS INTEGER)`);
        out.push(`${keys} = ${present.length > 0 ? present.join(' + ') : '0'}`);
        for (const [key, child] of Object.entries(props)) {
          const childPath = path === '$' ? `$.${key}` : `${path}.${key}`;
          const inner = check(child, childPath).join(' AND ');
          out.push(node.required?.includes(key) ? `${t(childPath)} IS NOT NULL AND ${inner}` : `(${t(childPath)} IS NULL OR (${inner}))`);
        }
        return out;
      }
      default:
        throw new Error(`sqlValidator: unsupported JSON Schema type ${node.type} at ${path}`);
    }
  };

  const json = z.toJSONSchema(eventSchemas[type], { io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  const conditions = [...check(json, '$'), ...mirrors.map((m) => m({ t, v }))];
  // The CPR rule has no SQL here: a line with a CPR-like digit run is never given to this SQL (the
  // stager sends it straight to zod, which knows the exact rule; producers/bulkValidation.ts).
  const predicate = `coalesce(${conditions.join('\n      AND ')}, false)`;
  // Each line is read once per list; the lists are then spread into scalar columns t1 … v1 … k1 …
  // so that the predicate does not index a list again at every mention.
  const list = (ps: string[]) => `[${ps.map(quote).join(', ')}]`;
  const spread = (name: string, n: number, list: string) => Array.from({ length: n }, (_, i) => `${list}[${i + 1}] AS ${name}${i + 1}`);
  const lists = (source: string) => `SELECT i, body, ${[...spread('t', paths.length, 't'), ...spread('v', paths.length, 'v'), ...spread('k', objectPaths.length, 'k')].join(', ')}
    FROM (SELECT i, body, TRY(json_type(body, ${list(paths)})) AS t, TRY(json_extract_string(body, ${list(paths)})) AS v,
                 TRY(json_keys(body, ${list(objectPaths)})) AS k FROM ${source})`;
  return { type, paths, objectPaths, predicate, lists };
}

export function buildSqlValidator(): SqlValidator {
  const types: TypeValidator[] = [];
  const uncovered: EventType[] = [];
  for (const type of EVENT_TYPES) {
    const mirrors = REFINEMENTS[type] ?? [];
    if (countRefinements(eventSchemas[type]) === mirrors.length) types.push(typeValidator(type, mirrors));
    else uncovered.push(type);
  }
  return { types, uncovered };
}
