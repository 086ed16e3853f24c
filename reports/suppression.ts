/**
 * Small-number suppression (diskretionering) for everything the council or the public sees.
 *
 * The rule (issue 6): a count from 1 to threshold − 1 (default 5) is shown as `<5`; zero is not
 * sensitive and is shown. That is primary suppression. Totals allow subtraction, so more counts
 * are withheld and shown as `.` (secondary suppression) until no withheld count can be worked out
 * from what is published. A percentage, median or rate resting on a withheld count is withheld too
 * (`derivedSuppressed`).
 *
 * A report is described once as counts tied by sums (`total = Σ parts`): the rows, columns and
 * margins of a table, and every other table of the same report that shares a cell with it or sums
 * to one of its cells, by using the same cell id in one system. `tableWithMargins` builds the
 * system of one table, `combineSystems` joins tables.
 *
 * Method. Withhold the primary cells, then add one cell at a time:
 *  1. a sum with exactly one withheld cell gives it away by subtraction, so withhold a published
 *     cell of that sum;
 *  2. when no such sum is left, audit (below); for the first cell that fails, withhold a published
 *     cell of its sum with the fewest withheld cells (one with a non-zero published cell first),
 *     or any published cell if none of its sums has one;
 *  until the audit passes for every cell that can be protected at all (see Limits). The cell
 *  chosen is, in this order: non-zero (zeros are a last resort), one that also mends another sum
 *  with a single withheld cell (it closes a rectangle), the smallest (least information lost),
 *  the earliest in the system. Same input, same output.
 *
 * The audit assumes a reader who knows every published number and every sum, that counts are
 * non-negative integers, that `<5` means 1–4 and that `.` means 0 or at least 5. It passes when
 *  - no withheld cell is fixed by the published equations: exact integer Gauss–Jordan elimination
 *    over the withheld cells leaves no row with a single unknown (the cell's unit vector is not in
 *    the row space);
 *  - bounds propagated through the sums and the reduced equations to a fixed point leave every
 *    withheld cell at least two values, reading `.` only as "0 or more", and leave every `<5`
 *    cell at least two values even when `.` is read as "0 or at least 5".
 *
 * Limits. Only the sums in the system are covered: another table, last year's report or any other
 * output protects nothing unless it is in the same system. Bound propagation is weaker than
 * solving the integer program, so a reader with an integer-programming solver may narrow, in rare
 * cases pin, a cell further. "At least two values" is all that is promised: a `<5` cell may be
 * narrowed to 1–2 (there is no protection interval, as in τ-ARGUS). The choice is greedy, not
 * minimal. A cell the audit fails even with every count withheld (the sums and the `<5` rule
 * alone fix it) cannot be protected by any choice: it is left out of the audit, never used as a
 * complement, and reported in `exposed`, so that the caller can merge categories.
 */
import { Sel104Error } from '../schemas/errors.ts';

export type CellId = string;

/** `total` is the sum of `parts`: a row, a column, or one table's cells adding up to another's. */
export interface Constraint {
  readonly total: CellId;
  readonly parts: readonly CellId[];
}

export interface CountSystem {
  /** Every count of the report. The order is the tie-break between equally good complements. */
  readonly values: ReadonlyMap<CellId, number>;
  readonly constraints: readonly Constraint[];
  /**
   * Counts never printed, of which a reader knows only that they are counts (≥ 0) in their sums:
   * the slack of a relation that is an inequality to the reader (the year's decisions are its
   * first decisions and some later ones, so at least the first). Withheld from the start; they
   * need protecting themselves only when small.
   */
  readonly unpublished?: ReadonlySet<CellId>;
}

export interface SuppressOptions {
  /** Counts from 1 to threshold − 1 are withheld. */
  readonly threshold?: number;
}

export interface Suppression {
  readonly threshold: number;
  /** Counts from 1 to threshold − 1, shown as `<5`. */
  readonly primary: ReadonlySet<CellId>;
  /** Every withheld count: the primary cells and their complements (shown as `.`). */
  readonly suppressed: ReadonlySet<CellId>;
  /**
   * Withheld counts a reader works out even if every count is withheld: the sums and the `<5`
   * rule alone fix them (a row of four 1s with its total 4 is all 1s). Usually empty; only
   * merging categories helps.
   */
  readonly exposed: ReadonlySet<CellId>;
}

export const DEFAULT_THRESHOLD = 5;

/**
 * Shown for a count withheld to protect a small one, and for a value resting on a withheld count.
 * `.` rather than `x`: it is not a letter that can be misread as a code, it cannot be mistaken for
 * a digit, and it differs from `-`, which Danish tables use for zero.
 */
export const WITHHELD = '.';

/** Shown for a count from 1 to threshold − 1: `<5`. */
export const belowThreshold = (threshold: number): string => `<${threshold}`;

export function suppress(system: CountSystem, { threshold = DEFAULT_THRESHOLD }: SuppressOptions = {}): Suppression {
  checkSystem(system, threshold);
  const ids = [...system.values.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const value = ids.map((id) => system.values.get(id)!);
  // A sum as the cells of `total − Σ parts = 0`, total first.
  const lines = system.constraints.map(({ total, parts }) => [total, ...parts].map((id) => index.get(id)!));
  const linesOf = ids.map((): number[] => []);
  lines.forEach((line, l) => line.forEach((i) => linesOf[i]!.push(l)));
  const primary = value.map((v) => v >= 1 && v < threshold);
  const unpublished = ids.map((id) => system.unpublished?.has(id) ?? false);
  const withheld = primary.map((p, i) => p || unpublished[i]!);
  // (an unpublished count that is not small may be worked out: it is no secret in itself)
  const needsCover = (i: number) => !hopeless.has(i) && (primary[i] || !unpublished[i]);
  // Cells no choice can protect are left out of the audit, and are no use as complements.
  const hopeless = primary.includes(true) ? exposedCells(lines, value, ids.map(() => true), primary, threshold) : new Set<number>();

  const withheldIn = (l: number) => lines[l]!.filter((i) => withheld[i]).length;
  const publishedIn = (cells: readonly number[]) => cells.filter((i) => !withheld[i] && !hopeless.has(i));
  const best = (candidates: number[], line: number | undefined) =>
    firstBy(candidates, (i) => [
      value[i] === 0 ? 1 : 0,
      -linesOf[i]!.filter((m) => m !== line && withheldIn(m) === 1).length,
      value[i]!,
      i,
    ]);

  for (;;) {
    let next: number | undefined;
    const lone = lines.findIndex((line) => {
      const inLine = line.filter((i) => withheld[i]);
      return inLine.length === 1 && needsCover(inLine[0]!);
    });
    if (lone >= 0) next = best(publishedIn(lines[lone]!), lone);
    else {
      const failing = [...exposedCells(lines, value, withheld, primary, threshold)].filter(needsCover);
      if (failing.length === 0) break;
      const exposed = Math.min(...failing);
      const around = firstBy(
        linesOf[exposed]!.filter((l) => publishedIn(lines[l]!).length > 0),
        (l) => [publishedIn(lines[l]!).some((i) => value[i]! > 0) ? 0 : 1, withheldIn(l), l],
      );
      next = around === undefined ? best(publishedIn([...ids.keys()]), undefined) : best(publishedIn(lines[around]!), around);
    }
    if (next === undefined) break; // everything that could help is withheld
    withheld[next] = true;
  }
  return {
    threshold,
    primary: new Set(ids.filter((_, i) => primary[i])),
    suppressed: new Set(ids.filter((_, i) => withheld[i])),
    exposed: new Set(ids.filter((_, i) => withheld[i] && hopeless.has(i) && (primary[i] || !unpublished[i]))),
  };
}

/** A percentage, median or rate is withheld when a count it rests on is: with the others published, it would give that count back. */
export function derivedSuppressed(restsOn: Iterable<CellId>, result: Suppression): boolean {
  for (const id of restsOn) if (result.suppressed.has(id)) return true;
  return false;
}

export function showCount(system: CountSystem, result: Suppression, id: CellId): string {
  if (result.primary.has(id)) return belowThreshold(result.threshold);
  if (result.suppressed.has(id)) return WITHHELD;
  const value = system.values.get(id);
  if (value === undefined) throw new Sel104Error('SEL104_ERR_INTERNAL', `suppression: unknown cell ${id}`);
  return String(value);
}

/** A row or column index of a table, or `'total'` for its margin. */
export type TablePosition = number | 'total';
export type CellIdOf = (row: TablePosition, col: TablePosition) => CellId;
export const defaultCellId: CellIdOf = (row, col) => `${row},${col}`;

const along = (n: number): TablePosition[] => [...Array.from({ length: n }, (_, i) => i), 'total'];

/**
 * The system of one table: its cells, a total per row and per column, and the grand total, all
 * computed here from the cells. Give two tables the same id for a shared cell (for instance the
 * same column totals) and join them with `combineSystems`.
 */
export function tableWithMargins(values: readonly (readonly number[])[], cellId: CellIdOf = defaultCellId): CountSystem {
  const cols = values[0]?.length ?? 0;
  if (cols === 0 || values.some((row) => row.length !== cols)) {
    throw new Sel104Error('SEL104_ERR_INTERNAL', 'suppression: a table needs at least one row and one column, all rows as long');
  }
  const rows = values.length;
  const at = (r: TablePosition, c: TablePosition): number => {
    const rs = r === 'total' ? values.map((_, i) => i) : [r];
    const cs = c === 'total' ? values[0]!.map((_, j) => j) : [c];
    return rs.reduce((s, i) => cs.reduce((t, j) => t + values[i]![j]!, s), 0);
  };
  const cells = new Map<CellId, number>();
  for (const r of along(rows)) {
    for (const c of along(cols)) {
      const id = cellId(r, c);
      if (cells.has(id)) throw new Sel104Error('SEL104_ERR_INTERNAL', `suppression: two cells of one table are both ${id}`);
      cells.set(id, at(r, c));
    }
  }
  const inner = (n: number) => along(n).slice(0, -1);
  return {
    values: cells,
    constraints: [
      ...inner(rows).map((r) => ({ total: cellId(r, 'total'), parts: inner(cols).map((c) => cellId(r, c)) })),
      ...inner(cols).map((c) => ({ total: cellId('total', c), parts: inner(rows).map((r) => cellId(r, c)) })),
      { total: cellId('total', 'total'), parts: inner(rows).map((r) => cellId(r, 'total')) },
      { total: cellId('total', 'total'), parts: inner(cols).map((c) => cellId('total', c)) },
    ],
  };
}

/** One system of several tables; a cell id they share must hold the same count in each. */
export function combineSystems(...systems: readonly CountSystem[]): CountSystem {
  const values = new Map<CellId, number>();
  for (const system of systems) {
    for (const [id, v] of system.values) {
      const seen = values.get(id);
      if (seen !== undefined && seen !== v) throw new Sel104Error('SEL104_ERR_INTERNAL', `suppression: ${id} is ${seen} in one table and ${v} in another`);
      values.set(id, v);
    }
  }
  // A count one system never prints and another prints is published.
  const printed = new Set(systems.flatMap((s) => [...s.values.keys()].filter((id) => !(s.unpublished?.has(id) ?? false))));
  const unpublished = new Set(systems.flatMap((s) => [...(s.unpublished ?? [])]).filter((id) => !printed.has(id)));
  return { values, constraints: systems.flatMap((s) => s.constraints), unpublished };
}

/** The display grid of one table in a system, margins last: rows × cols cells plus a total row and column. */
export function showTable(system: CountSystem, result: Suppression, rows: number, cols: number, cellId: CellIdOf = defaultCellId): string[][] {
  return along(rows).map((r) => along(cols).map((c) => showCount(system, result, cellId(r, c))));
}

export interface SuppressedTable {
  /** The row labels, then the total label. */
  readonly rows: string[];
  readonly cols: string[];
  readonly cells: string[][];
  readonly suppression: Suppression;
}

/** The common case: one table, its margins computed from its cells, ready to print. */
export function suppressTable(
  rowLabels: readonly string[],
  colLabels: readonly string[],
  values: readonly (readonly number[])[],
  { threshold, totalLabel = 'I alt' }: SuppressOptions & { readonly totalLabel?: string } = {},
): SuppressedTable {
  if (rowLabels.length !== values.length || colLabels.length !== (values[0]?.length ?? 0)) {
    throw new Sel104Error('SEL104_ERR_INTERNAL', 'suppression: the labels do not match the table');
  }
  const system = tableWithMargins(values);
  const suppression = suppress(system, { threshold });
  return {
    rows: [...rowLabels, totalLabel],
    cols: [...colLabels, totalLabel],
    cells: showTable(system, suppression, rowLabels.length, colLabels.length),
    suppression,
  };
}

/** Σ coef·x = rhs over the withheld cells (numbered 0 … n−1 in the audit). */
interface Equation {
  readonly vars: number[];
  readonly coef: number[];
  readonly rhs: number;
}

/** The withheld cells (system indices) that fail the audit. */
function exposedCells(lines: number[][], value: number[], withheld: boolean[], primary: boolean[], threshold: number): Set<number> {
  const unknown = withheld.flatMap((w, i) => (w ? [i] : []));
  const column = new Map(unknown.map((i, k) => [i, k]));
  const equations: Equation[] = lines
    .map((line) => {
      const vars: number[] = [], coef: number[] = [];
      let rhs = 0;
      line.forEach((i, k) => {
        const a = k === 0 ? 1 : -1;
        if (withheld[i]) {
          vars.push(column.get(i)!);
          coef.push(a);
        } else rhs -= a * value[i]!;
      });
      return { vars, coef, rhs };
    })
    .filter((e) => e.vars.length > 0);
  const reduced = reduce(equations, unknown.length);
  const exposed = new Set(reduced.filter((e) => e.vars.length === 1).map((e) => e.vars[0]!));

  const pinned = (readsMarkers: boolean) => {
    const lo = unknown.map((i) => (primary[i] ? 1 : 0));
    const hi = unknown.map((i) => (primary[i] ? threshold - 1 : Infinity));
    const gap = unknown.map((i) => readsMarkers && !primary[i]);
    // The reduced rows are derived sums a reader can use too; a row too large for exact
    // floating-point arithmetic is left to the exact check above.
    const usable = reduced.filter((e) => [...e.coef, e.rhs].every(Number.isSafeInteger));
    tighten([...equations, ...usable], lo, hi, gap, threshold);
    return lo.flatMap((l, k) => (l === hi[k] ? [k] : []));
  };
  for (const k of pinned(false)) exposed.add(k);
  for (const k of pinned(true)) if (primary[unknown[k]!]) exposed.add(k);
  return new Set([...exposed].map((k) => unknown[k]!));
}

/** Gauss–Jordan elimination in integers (bigint, so exact); the nonzero rows of the result. */
function reduce(equations: readonly Equation[], n: number): Equation[] {
  const rows = equations.map(({ vars, coef, rhs }) => {
    const row = new Array<bigint>(n + 1).fill(0n);
    vars.forEach((v, k) => (row[v] = BigInt(coef[k]!)));
    row[n] = BigInt(rhs);
    return row;
  });
  let rank = 0;
  for (let col = 0; col < n && rank < rows.length; col++) {
    const p = rows.findIndex((row, k) => k >= rank && row[col] !== 0n);
    if (p < 0) continue;
    [rows[rank], rows[p]] = [rows[p]!, rows[rank]!];
    const pivot = rows[rank]!;
    rows.forEach((row, k) => {
      const f = row[col]!;
      if (k !== rank && f !== 0n) rows[k] = lowestTerms(row.map((x, j) => x * pivot[col]! - pivot[j]! * f));
    });
    rank++;
  }
  return rows.slice(0, rank).map((row) => {
    const vars = row.slice(0, n).flatMap((x, j) => (x === 0n ? [] : [j]));
    return { vars, coef: vars.map((j) => Number(row[j])), rhs: Number(row[n]) };
  });
}

function lowestTerms(row: bigint[]): bigint[] {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const g = row.reduce((acc, x) => gcd(acc, x < 0n ? -x : x), 0n);
  return g <= 1n ? row : row.map((x) => x / g);
}

/**
 * Narrows lo/hi by every equation until nothing changes. It ends: bounds are integers, only ever
 * narrow, and always hold the true counts. `gap` marks cells read as "0 or at least threshold".
 */
function tighten(equations: readonly Equation[], lo: number[], hi: number[], gap: readonly boolean[], threshold: number): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const { vars, coef, rhs } of equations) {
      const least = vars.map((v, k) => Math.min(coef[k]! * lo[v]!, coef[k]! * hi[v]!));
      const most = vars.map((v, k) => Math.max(coef[k]! * lo[v]!, coef[k]! * hi[v]!));
      vars.forEach((v, k) => {
        // What the other terms can add up to; coef·x is rhs minus that.
        const restLeast = sumWithout(least, k), restMost = sumWithout(most, k);
        const a = coef[k]!;
        let newLo = Math.ceil((a > 0 ? rhs - restMost : rhs - restLeast) / a);
        let newHi = Math.floor((a > 0 ? rhs - restLeast : rhs - restMost) / a);
        newLo = Math.max(newLo, lo[v]!);
        newHi = Math.min(newHi, hi[v]!);
        if (gap[v] && newLo >= 1 && newLo < threshold) newLo = threshold;
        if (gap[v] && newHi < threshold) newHi = 0;
        if (newLo !== lo[v] || newHi !== hi[v]) {
          lo[v] = newLo;
          hi[v] = newHi;
          changed = true;
        }
      });
    }
  }
}

/** The sum of all terms but one, where terms may be infinite (of one sign) but never NaN. */
function sumWithout(terms: readonly number[], skip: number): number {
  return terms.reduce((s, t, k) => (k === skip ? s : s + t), 0);
}

/** The candidate with the smallest key, keys compared element by element. */
function firstBy<T>(candidates: readonly T[], key: (c: T) => number[]): T | undefined {
  let best: T | undefined, bestKey: number[] = [];
  for (const c of candidates) {
    const k = key(c);
    const i = k.findIndex((x, j) => x !== bestKey[j]);
    if (best === undefined || (i >= 0 && k[i]! < bestKey[i]!)) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

function checkSystem({ values, constraints, unpublished }: CountSystem, threshold: number): void {
  const fail = (message: string): never => {
    throw new Sel104Error('SEL104_ERR_INTERNAL', `suppression: ${message}`);
  };
  for (const id of unpublished ?? []) if (!values.has(id)) fail(`the unpublished cell ${id} has no count`);
  if (!Number.isInteger(threshold) || threshold < 1) fail(`the threshold must be a positive integer, not ${threshold}`);
  for (const [id, v] of values) if (!Number.isSafeInteger(v) || v < 0) fail(`count ${id} is ${v}, not a non-negative integer`);
  for (const { total, parts } of constraints) {
    const cells = [total, ...parts];
    const missing = cells.find((id) => !values.has(id));
    if (missing !== undefined) fail(`the sum for ${total} names an unknown cell ${missing}`);
    if (parts.length === 0 || new Set(cells).size !== cells.length) fail(`the sum for ${total} needs parts, each once, none the total itself`);
    const sum = parts.reduce((s, p) => s + values.get(p)!, 0);
    if (sum !== values.get(total)) fail(`${total} is ${values.get(total)} but its parts add up to ${sum}`);
  }
}
