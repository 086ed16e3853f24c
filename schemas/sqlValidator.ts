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
 * Two ways to be sure, per line. The fast one reads a line once, with json_transform into a struct
 * typed by the schema, and asks whether writing that struct back as JSON gives the line exactly:
 * if so, the line is minified, its keys are exactly the structure's in its order (all present, none
 * twice, none unknown), and every value has the structure's JSON type (a string where VARCHAR is,
 * an integer literal where BIGINT is), so only the values remain to be checked. That is how a
 * producer writing keys in the contract's order with every field present (the simulator) writes
 * most lines. Any other line takes the general way: its JSON types, texts and keys are read per
 * path (three parses), which accepts any key order, whitespace and absent optional fields.
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
  /** The json_transform structure of the fast way: every field, envelope first in contract order, then data. */
  structure: string;
  /**
   * A SELECT over `source` (columns i, body) giving, per line, i, ok (the line is certainly valid)
   * and the event's fields as text: event_id, type, schema_version, municipality, case_id,
   * occurred_on, recorded_at, source, data. Text that is not JSON gets NULLs (TRY), so nothing about
   * it is certain and it goes to zod; TRY costs nothing on valid lines.
   */
  verdicts(source: string): string;
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

  /**
   * Checks on a present value's text (or, on the fast way, the struct's field) that its JSON type
   * does not settle: enum, lengths, pattern, range. `val` is SQL for the value.
   */
  const valueChecks = (node: JsonSchema, path: string, val: string): string[] => {
    if (node.const !== undefined) return [typeof node.const === 'number' ? `TRY_CAST(${val} AS BIGINT) = ${node.const}` : `${val} = ${quote(node.const)}`];
    const out: string[] = [];
    switch (node.type) {
      case 'string':
        if (node.enum) out.push(`${val} IN (${node.enum.map(quote).join(', ')})`);
        // length() counts code points (≤ UTF-16 units), strlen() bytes (≥ UTF-16 units): both err towards "not sure".
        if (node.minLength !== undefined) out.push(`length(${val}) >= ${node.minLength}`);
        if (node.maxLength !== undefined) out.push(`strlen(${val}) <= ${node.maxLength}`);
        if (node.pattern !== undefined) out.push(`regexp_full_match(${val}, ${quote(node.pattern)})`);
        return out;
      case 'integer':
      case 'number': {
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
        return out;
      case 'array': {
        const items = node.items;
        if (!items || items.type !== 'string' || !items.enum) throw new Error(`sqlValidator: unsupported array items at ${path}`);
        // The text of an array is DuckDB's minified JSON; anything unusual (escapes) fails the pattern.
        const item = `"(?:${items.enum.join('|')})"`;
        const body = `${item}(?:,${item})*`;
        out.push(`regexp_full_match(${val}, ${quote((node.minItems ?? 0) > 0 ? `\\[${body}\\]` : `\\[(?:${body})?\\]`)})`);
        return out;
      }
      default:
        throw new Error(`sqlValidator: unsupported JSON Schema type ${node.type} at ${path}`);
    }
  };
  const childPath = (path: string, key: string) => (path === '$' ? `$.${key}` : `${path}.${key}`);

  /** The general way: checks for the value at `path` against a JSON Schema node, given that it is present. */
  const check = (node: JsonSchema, path: string): string[] => {
    // The line itself ('$') has no type or text column: it is known to be an object.
    const typ = path === '$' ? '' : t(path);
    const val = path === '$' ? '' : v(path);
    if (node.const !== undefined) return [typeof node.const === 'number' ? `${typ} IN ('UBIGINT', 'BIGINT')` : `${typ} = 'VARCHAR'`, ...valueChecks(node, path, val)];
    switch (node.type) {
      case 'string':
        return [`${typ} = 'VARCHAR'`, ...valueChecks(node, path, val)];
      case 'integer':
      case 'number':
        return [`${typ} IN ('UBIGINT', 'BIGINT')`, ...valueChecks(node, path, val)];
      case 'boolean':
        return [`${typ} = 'BOOLEAN'`];
      case 'array':
        return [`${typ} = 'ARRAY'`, ...valueChecks(node, path, val)];
      case 'object': {
        if (node.additionalProperties !== false) throw new Error(`sqlValidator: ${path} must be a strict object`);
        const out: string[] = [];
        const props = node.properties ?? {};
        const keys = `len(${k(path)})`;
        if (path !== '$') out.push(`${typ} = 'OBJECT'`);
        // Strict objects: the object has exactly as many keys as it has distinct allowed keys, so no
        // key outside the schema and no key twice (where JSON.parse would keep the last).
        const present = Object.keys(props).map((key) => `CAST(${t(childPath(path, key))} IS NOT NULL AS INTEGER)`);
        out.push(`${keys} = ${present.length > 0 ? present.join(' + ') : '0'}`);
        for (const [key, child] of Object.entries(props)) {
          const inner = check(child, childPath(path, key)).join(' AND ');
          out.push(node.required?.includes(key) ? `${t(childPath(path, key))} IS NOT NULL AND ${inner}` : `(${t(childPath(path, key))} IS NULL OR (${inner}))`);
        }
        return out;
      }
      default:
        throw new Error(`sqlValidator: unsupported JSON Schema type ${node.type} at ${path}`);
    }
  };

  /** The fast way: the struct field for a path ('$.data.offerId' → s['data']['offerId']). */
  const field = (path: string): string => `s${path.slice(2).split('.').map((key) => `[${quote(key)}]`).join('')}`;
  const fastChecks: string[] = [];
  const envelopeKeys = ENVELOPE_PATHS.map((p) => p.slice(2));
  /**
   * The json_transform type for the value at `path`, adding its checks to fastChecks. Every key is
   * in the structure and must be present, so each field must be non-NULL (NULL is a JSON null).
   */
  const structureOf = (node: JsonSchema, path: string): unknown => {
    const f = field(path);
    if (path !== '$') fastChecks.push(`${f} IS NOT NULL`);
    const type = node.const !== undefined ? (typeof node.const === 'number' ? 'integer' : 'string') : node.type;
    switch (type) {
      case 'string':
        fastChecks.push(...valueChecks(node, path, f));
        return 'VARCHAR';
      case 'integer':
      case 'number':
        fastChecks.push(...valueChecks(node, path, f));
        return 'BIGINT';
      case 'boolean':
        return 'BOOLEAN';
      case 'array':
        // Kept as its JSON text, which the pattern checks as the general way does.
        fastChecks.push(...valueChecks(node, path, `CAST(${f} AS VARCHAR)`));
        return 'JSON';
      case 'object': {
        const props = node.properties ?? {};
        const keys = Object.keys(props);
        // A struct needs a field: an empty object is kept as its JSON text, which must be {}.
        if (keys.length === 0) {
          fastChecks.push(`CAST(${f} AS VARCHAR) = '{}'`);
          return 'JSON';
        }
        const order = path === '$' ? [...envelopeKeys.filter((key) => key in props), ...keys.filter((key) => !envelopeKeys.includes(key))] : keys;
        return Object.fromEntries(order.map((key) => [key, structureOf(props[key]!, childPath(path, key))]));
      }
      default:
        throw new Error(`sqlValidator: unsupported JSON Schema type ${node.type} at ${path}`);
    }
  };

  const json = z.toJSONSchema(eventSchemas[type], { io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  const conditions = [...check(json, '$'), ...mirrors.map((m) => m({ t, v }))];
  const structure = JSON.stringify(structureOf(json, '$'));
  const inStructure = (path: string) => path.slice(2).split('.')[0]! in (json.properties ?? {});
  fastChecks.push(...mirrors.map((m) => m({ t: field, v: (path) => `CAST(${field(path)} AS VARCHAR)` })));
  // The CPR rule has no SQL here: a line with a CPR-like digit run is never given to this SQL (the
  // stager sends it straight to zod, which knows the exact rule; producers/bulkValidation.ts).
  const general = `coalesce(${conditions.join('\n      AND ')}, false)`;
  const fast = `coalesce(${fastChecks.join('\n      AND ')}, false)`;
  // A line that does not start as the structure does is not read by the fast way at all.
  // The general way reads each line once per list (only lines the fast way did not settle); the
  // lists are then spread into scalar columns t1 … v1 … k1 … so that the predicate does not index
  // a list again at every mention.
  const list = (ps: string[]) => `[${ps.map(quote).join(', ')}]`;
  const unlessFast = (sql: string) => `CASE WHEN fast THEN NULL ELSE TRY(${sql}) END`;
  const spread = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${name}[${i + 1}] AS ${name}${i + 1}`);
  const column = (path: string) => {
    const fastValue = inStructure(path) ? (path === '$.data' ? `CAST(to_json(${field(path)}) AS VARCHAR)` : `CAST(${field(path)} AS VARCHAR)`) : 'NULL';
    return `CASE WHEN fast THEN ${fastValue} ELSE ${v(path)} END`;
  };
  const outputs = [...ENVELOPE_PATHS, '$.data'].map(column);
  const verdicts = (source: string) => `SELECT i, CASE WHEN fast THEN ${fast} ELSE ${general} END AS ok, ${outputs.join(', ')}
    FROM (SELECT i, body, s, fast, ${[...spread('t', paths.length), ...spread('v', paths.length), ...spread('k', objectPaths.length)].join(', ')}
      FROM (SELECT i, body, s, fast, ${unlessFast(`json_type(body, ${list(paths)})`)} AS t, ${unlessFast(`json_extract_string(body, ${list(paths)})`)} AS v,
                   ${unlessFast(`json_keys(body, ${list(objectPaths)})`)} AS k
        FROM (SELECT i, body, s, coalesce(CAST(to_json(s) AS VARCHAR) = body, false) AS fast
          FROM (SELECT i, body, CASE WHEN starts_with(body, '{"eventId":"') THEN TRY(json_transform(body, ${quote(structure)})) END AS s FROM ${source}))))`;
  return { type, paths, objectPaths, structure, verdicts };
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
