import { describe, expect, it } from 'vitest';
import {
  WITHHELD,
  belowThreshold,
  combineSystems,
  derivedSuppressed,
  showCount,
  showTable,
  suppress,
  suppressTable,
  tableWithMargins,
  type CellIdOf,
  type CountSystem,
} from '../reports/suppression.ts';

// ---------------------------------------------------------------------------------------------
// The attacker, written apart from the module: it reads only the printed strings and the sums.
// It knows that counts are non-negative integers and that `<t` means 1 … t−1; `readsMarkers`
// also reads `.` as "0 or at least t" (a `.` cell is not small, or it would say `<t`).
// ---------------------------------------------------------------------------------------------

type Shown = ReadonlyMap<string, string>;

interface Reading {
  known: Map<string, number>;
  small: Set<string>;
  withheld: Set<string>;
}

function read(shown: Shown, threshold: number): Reading {
  const reading: Reading = { known: new Map(), small: new Set(), withheld: new Set() };
  for (const [id, text] of shown) {
    if (/^\d+$/.test(text)) reading.known.set(id, Number(text));
    else if (text === `<${threshold}`) reading.small.add(id);
    else if (text === '.') reading.withheld.add(id);
    else throw new Error(`unexpected display ${JSON.stringify(text)} for ${id}`);
  }
  return reading;
}

/** (a) A sum with one unknown cell gives it; repeat until nothing new. */
function bySubtraction(system: CountSystem, shown: Shown, threshold: number): Map<string, number> {
  const { known: published } = read(shown, threshold);
  const known = new Map(published);
  for (let progress = true; progress; ) {
    progress = false;
    for (const { total, parts } of system.constraints) {
      const missing = [total, ...parts].filter((id) => !known.has(id));
      if (missing.length !== 1) continue;
      const id = missing[0]!;
      const others = parts.filter((p) => p !== id).reduce((s, p) => s + known.get(p)!, 0);
      known.set(id, id === total ? others : known.get(total)! - others);
      progress = true;
    }
  }
  return new Map([...known].filter(([id]) => !published.has(id)));
}

/** Exact fractions for the elimination: [numerator, denominator], denominator > 0, lowest terms. */
type Q = readonly [bigint, bigint];
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const q = (n: bigint, d = 1n): Q => {
  const g = gcd(n, d) || 1n;
  return d < 0n ? [-n / g, -d / g] : [n / g, d / g];
};
const sub = (x: Q, y: Q) => q(x[0] * y[1] - y[0] * x[1], x[1] * y[1]);
const mul = (x: Q, y: Q) => q(x[0] * y[0], x[1] * y[1]);
const div = (x: Q, y: Q) => q(x[0] * y[1], x[1] * y[0]);

/** (b) Gauss–Jordan over the rationals on all published equations; a row left with one unknown gives it. */
function byElimination(system: CountSystem, shown: Shown, threshold: number): Map<string, number> {
  const { known } = read(shown, threshold);
  // (a count not printed at all is unknown too)
  const unknown = [...system.values.keys()].filter((id) => !known.has(id));
  const col = new Map(unknown.map((id, j) => [id, j]));
  const n = unknown.length;
  const rows: Q[][] = system.constraints.map(({ total, parts }) => {
    const row: Q[] = Array.from({ length: n + 1 }, () => q(0n));
    for (const [id, sign] of [[total, 1n], ...parts.map((p) => [p, -1n] as const)] as const) {
      const j = col.get(id);
      if (j === undefined) row[n] = sub(row[n]!, q(sign * BigInt(known.get(id)!)));
      else row[j] = q(row[j]![0] + sign);
    }
    return row;
  });
  let rank = 0;
  for (let j = 0; j < n; j++) {
    const p = rows.findIndex((r, k) => k >= rank && r[j]![0] !== 0n);
    if (p < 0) continue;
    [rows[rank], rows[p]] = [rows[p]!, rows[rank]!];
    const pivot = rows[rank]!.map((x) => div(x, rows[rank]![j]!));
    rows[rank] = pivot;
    rows.forEach((r, k) => {
      if (k !== rank && r[j]![0] !== 0n) rows[k] = r.map((x, m) => sub(x, mul(r[j]!, pivot[m]!)));
    });
    rank++;
  }
  const found = new Map<string, number>();
  for (const r of rows.slice(0, rank)) {
    const nonzero = r.slice(0, n).flatMap((x, j) => (x[0] === 0n ? [] : [j]));
    if (nonzero.length !== 1) continue;
    const value = div(r[n]!, r[nonzero[0]!]!);
    expect(value[1]).toBe(1n); // counts are integers; anything else means the attacker is broken
    found.set(unknown[nonzero[0]!]!, Number(value[0]));
  }
  return found;
}

/** (c) Bounds from the domains, narrowed through every sum until nothing changes; a cell left one value is recovered. */
function byIntervals(system: CountSystem, shown: Shown, threshold: number, readsMarkers: boolean): Map<string, number> {
  const { known, small, withheld } = read(shown, threshold);
  const lo = new Map<string, number>(), hi = new Map<string, number>();
  for (const [id, v] of known) {
    lo.set(id, v);
    hi.set(id, v);
  }
  for (const id of small) lo.set(id, 1), hi.set(id, threshold - 1);
  for (const id of withheld) lo.set(id, 0), hi.set(id, Infinity);
  // a count not printed at all: a count, nothing more
  for (const id of system.values.keys()) if (!lo.has(id)) lo.set(id, 0), hi.set(id, Infinity);
  const narrow = (id: string, l: number, h: number): boolean => {
    let newLo = Math.max(lo.get(id)!, l), newHi = Math.min(hi.get(id)!, h);
    if (readsMarkers && withheld.has(id)) {
      if (newLo >= 1 && newLo < threshold) newLo = threshold;
      if (newHi < threshold) newHi = 0;
    }
    if (newLo === lo.get(id) && newHi === hi.get(id)) return false;
    lo.set(id, newLo);
    hi.set(id, newHi);
    return true;
  };
  const sum = (ids: readonly string[], bound: Map<string, number>) => ids.reduce((s, id) => s + bound.get(id)!, 0);
  for (let progress = true; progress; ) {
    progress = false;
    for (const { total, parts } of system.constraints) {
      if (narrow(total, sum(parts, lo), sum(parts, hi))) progress = true;
      for (const p of parts) {
        const others = parts.filter((o) => o !== p);
        if (narrow(p, lo.get(total)! - sum(others, hi), hi.get(total)! - sum(others, lo))) progress = true;
      }
    }
  }
  return new Map([...system.values.keys()].filter((id) => !known.has(id) && lo.get(id) === hi.get(id)).map((id) => [id, lo.get(id)!]));
}

interface Attack {
  subtraction: Map<string, number>;
  elimination: Map<string, number>;
  intervals: Map<string, number>;
  intervalsReadingMarkers: Map<string, number>;
}

function attack(system: CountSystem, shown: Shown, threshold = 5): Attack {
  const found: Attack = {
    subtraction: bySubtraction(system, shown, threshold),
    elimination: byElimination(system, shown, threshold),
    intervals: byIntervals(system, shown, threshold, false),
    intervalsReadingMarkers: byIntervals(system, shown, threshold, true),
  };
  // Whatever the attacker claims must be true, or a failing attack would prove nothing.
  for (const recovered of Object.values(found)) {
    for (const [id, v] of recovered) expect(v, id).toBe(system.values.get(id));
  }
  return found;
}

/** The withheld cells the attacker recovers: by (a), (b) or (c), or a `<t` cell by (c) reading the markers. */
function recovered(system: CountSystem, shown: Shown, threshold = 5): Set<string> {
  const found = attack(system, shown, threshold);
  const small = read(shown, threshold).small;
  return new Set([
    ...found.subtraction.keys(),
    ...found.elimination.keys(),
    ...found.intervals.keys(),
    ...[...found.intervalsReadingMarkers.keys()].filter((id) => small.has(id)),
  ]);
}

/** Every withheld cell resists the attacker, except those in `anyway`. */
function expectProtected(system: CountSystem, shown: Shown, threshold = 5, anyway: ReadonlySet<string> = new Set()): void {
  expect([...recovered(system, shown, threshold)].filter((id) => !anyway.has(id))).toEqual([]);
}

/** What the attacker recovers when every count is withheld: what no choice of complements can protect. */
const recoveredAnyway = (system: CountSystem, threshold = 5): Set<string> =>
  recovered(system, handMade(system, [...system.values.keys()], threshold), threshold);

/** The display as the module prints it. */
const printed = (system: CountSystem, threshold = 5): Map<string, string> => {
  const result = suppress(system, { threshold });
  return new Map([...system.values.keys()].map((id) => [id, showCount(system, result, id)]));
};

/** A display made by hand for an attacker test: small counts `<t`, the given cells `.`, the rest as they are. */
const handMade = (system: CountSystem, withheld: readonly string[], threshold = 5): Map<string, string> =>
  new Map(
    [...system.values].map(([id, v]) => [id, v >= 1 && v < threshold ? `<${threshold}` : withheld.includes(id) ? '.' : String(v)]),
  );

/** What a reader of several separately suppressed tables knows: a count printed in any of them. */
const readTogether = (...displays: Shown[]): Map<string, string> => {
  const together = new Map<string, string>();
  for (const display of displays) {
    for (const [id, text] of display) if (!together.has(id) || /^\d+$/.test(text)) together.set(id, text);
  }
  return together;
};

const grid = (values: number[][], threshold?: number) =>
  suppressTable(values.map((_, r) => `r${r}`), values[0]!.map((_, c) => `c${c}`), values, { threshold }).cells;

// ---------------------------------------------------------------------------------------------

describe('the attacker can win (so that its failing means something)', () => {
  // 10  2  7 | 19
  //  8  9  6 | 23
  // 12 11 13 | 36
  // 30 22 26 | 78
  const table = tableWithMargins([[10, 2, 7], [8, 9, 6], [12, 11, 13]]);

  it('recovers a lone small cell from its row when only the small cell is withheld', () => {
    // Row 0: 19 − 10 − 7 = 2; column 1: 22 − 9 − 11 = 2.
    const found = attack(table, handMade(table, []));
    expect(found.subtraction).toEqual(new Map([['0,1', 2]]));
    expect(found.elimination).toEqual(new Map([['0,1', 2]]));
    expect(found.intervals).toEqual(new Map([['0,1', 2]]));
  });

  it('recovers a cell by elimination where no row or column has a single unknown', () => {
    //      c0 c1 c2 c3 | R
    // r0    6  7  2  5 |  20      withheld: the 2×2 block r0–r1 × c0–c1, the 2×2 block
    // r1    8  9  6 10 |  33      r2–r3 × c2–c3, and (r0,c2) = 2, a bridge between them.
    // r2    5  6  7  8 |  26      Every row and column has 2 or 3 unknowns, so subtraction is stuck,
    // r3    9  5  6  7 |  27      but rows r0 + r1 minus columns c0 + c1 leaves only the bridge:
    // C    28 27 21 30 | 106      (r0,c2) = 20 + 33 − 28 − 27 − [5 + 6 + 10] + [5 + 6 + 9 + 5] = 2.
    const bridge = tableWithMargins([[6, 7, 2, 5], [8, 9, 6, 10], [5, 6, 7, 8], [9, 5, 6, 7]]);
    const shown = handMade(bridge, ['0,0', '0,1', '1,0', '1,1', '2,2', '2,3', '3,2', '3,3']);
    const found = attack(bridge, shown);
    expect(found.subtraction).toEqual(new Map());
    expect(found.elimination).toEqual(new Map([['0,2', 2]]));
    // The module itself does protect this table.
    expectProtected(bridge, printed(bridge));
  });

  it('recovers cells by bounds where the equations alone fix nothing', () => {
    // T = a + b + c with a = b = 1 (both `<5`), c = 20 and T = 22 published: a + b = 2, and
    // each is at least 1, so each is exactly 1. One equation in two unknowns: elimination is stuck.
    const row: CountSystem = { values: new Map([['a', 1], ['b', 1], ['c', 20], ['T', 22]]), constraints: [{ total: 'T', parts: ['a', 'b', 'c'] }] };
    const found = attack(row, handMade(row, []));
    expect(found.subtraction).toEqual(new Map());
    expect(found.elimination).toEqual(new Map());
    expect(found.intervals).toEqual(new Map([['a', 1], ['b', 1]]));
    // The module withholds c as well: a + b + c = 22 with c ≥ 0 leaves a and b anywhere in 1–4.
    expect([...suppress(row).suppressed]).toEqual(['a', 'b', 'c']);
    expectProtected(row, printed(row));
  });

  it('recovers a small cell by reading `.` as "0 or at least 5"', () => {
    // T = a + s, a = 1 (`<5`), s = 5 withheld, T = 6 published. Without the markers s is 2–5 and a
    // is 1–4. But `.` is not small, so s ≥ 5, so s = 5 and a = 1.
    const pair: CountSystem = { values: new Map([['a', 1], ['s', 5], ['T', 6]]), constraints: [{ total: 'T', parts: ['a', 's'] }] };
    const found = attack(pair, handMade(pair, ['s']));
    expect(found.intervals).toEqual(new Map());
    expect(found.intervalsReadingMarkers).toEqual(new Map([['a', 1], ['s', 5]]));
    // So the module withholds T too; then a is anything in 1–4 (s = T − a ≥ 5).
    expect(printed(pair)).toEqual(new Map([['a', '<5'], ['s', '.'], ['T', '.']]));
    expectProtected(pair, printed(pair));
  });
});

describe('suppressTable', () => {
  it('withholds a single small cell with a complement in its row, its column, and the corner of the rectangle', () => {
    // 10  2  7 | 19   The 2 is alone in row 0: its row's smallest other cell is 7 (not 10 or 19).
    //  8  9  6 | 23   Column 1 then has the 2 alone: its smallest other cell is 9 (not 11 or 22).
    // 12 11 13 | 36   Column 2 (the 7) and row 1 (the 9) each have one withheld cell; row 1 comes
    // 30 22 26 | 78   first, and its 6 also mends column 2 (the rectangle), so 6 over 8 and 23.
    // Check: a = (0,1) in 1–4 gives (0,2) = 9 − a, (1,1) = 11 − a, (1,2) = 4 + a: all ≥ 5.
    const out = suppressTable(['Værksted A', 'Værksted B', 'Café'], ['2023', '2024', '2025'], [[10, 2, 7], [8, 9, 6], [12, 11, 13]]);
    expect(out.rows).toEqual(['Værksted A', 'Værksted B', 'Café', 'I alt']);
    expect(out.cols).toEqual(['2023', '2024', '2025', 'I alt']);
    expect(out.cells).toEqual([
      ['10', '<5', '.', '19'],
      ['8', '.', '.', '23'],
      ['12', '11', '13', '36'],
      ['30', '22', '26', '78'],
    ]);
    expect([...out.suppression.primary]).toEqual(['0,1']);
    expect([...out.suppression.suppressed].sort()).toEqual(['0,1', '0,2', '1,1', '1,2']);
  });

  it('never withholds a zero as primary: a row of zeros around one small cell', () => {
    //  0  3  0 |  3   Primary: the 3 and its row total 3. Column 1 has the 3 alone: its smallest
    //  7  6  8 | 21   other cell is 5 (row 2). Row 2 has the 5 alone and the grand-total sum
    //  9  5 10 | 24   (3 + 21 + 24 = 48) has the row total 3 alone: the row total 24 mends both.
    // 16 14 18 | 48   Check: a = (0,1) in 1–4 gives (2,1) = 8 − a, row 2's total 19 + (8 − a),
    //                  row 0's total a; reading `.` as ≥ 5 narrows a to 1–3, still not one value.
    expect(grid([[0, 3, 0], [7, 6, 8], [9, 5, 10]])).toEqual([
      ['0', '<5', '0', '<5'],
      ['7', '6', '8', '21'],
      ['9', '.', '10', '.'],
      ['16', '14', '18', '48'],
    ]);
  });

  it('withholds everything when every cell is small and publishing any total gives one away', () => {
    // 1 2 |  3    Primary: the four cells, 3 and 4. The grand-total sums have 3 and 4 alone;
    // 3 4 |  7    10 mends both (7 or 6 would mend one), but then row 1 says (1,0) + (1,1) = 7
    // 4 6 | 10    with both ≤ 4, so each ≥ 3, and column 0 says 4 ≥ 1 + (1,0): (1,0) = 3 and
    // (0,0) = 1. Row 0 and column 0 have nothing published left, so the smallest published
    // cell anywhere, 6, is withheld next; the argument from row 1 still works, so 7 goes too.
    // Then nothing is fixed: 2 1 / 2 4, 1 1 / 3 4 and 1 2 / 2 3 fit the display as well as the
    // truth (their totals are below 5 where it says `<5` and at least 5 where it says `.`), and
    // between them they change every `<5` cell.
    expect(grid([[1, 2], [3, 4]])).toEqual([
      ['<5', '<5', '<5'],
      ['<5', '<5', '.'],
      ['<5', '.', '.'],
    ]);
  });

  it('handles a 1×N table, whose column totals repeat its cells', () => {
    // 3 8 6 | 17   The 3 and its column total are small. Row 0 has the 3 alone: its smallest
    // 3 8 6 | 17   other cell is 6. Column 2 then says total = 6, so that total goes too, and it
    //              also mends the grand-total sum 17 = 3 + 8 + 6 over the column totals.
    expect(grid([[3, 8, 6]])).toEqual([
      ['<5', '8', '.', '17'],
      ['<5', '8', '.', '17'],
    ]);
  });

  it('uses a margin as the complement when it is the only cell left', () => {
    // 2 | 2   An N×1 table. The 2 and its row total are small. Column 0 has the 2 alone: 7 (over 9)
    // 7 | 7   is withheld; row 1 then says 7 = its total, and the total is the only other cell.
    // 9 | 9   Check: (0,0) = a in 1–4, (1,0) = 9 − a in 5–8, and both row totals follow them.
    expect(grid([[2], [7]])).toEqual([
      ['<5', '<5'],
      ['.', '.'],
      ['9', '9'],
    ]);
  });

  it('withholds a small grand total and every small margin, and shows the zeros', () => {
    // 1 0 | 1   Everything non-zero is below 5. Every sum has two or three withheld cells and
    // 0 2 | 2   the cells can move together (a, b in 1–3 with a + b ≤ 4), so nothing more is needed.
    // 1 2 | 3
    expect(grid([[1, 0], [0, 2]])).toEqual([
      ['<5', '0', '<5'],
      ['0', '<5', '<5'],
      ['<5', '<5', '<5'],
    ]);
  });

  it('leaves an all-zero table as it is', () => {
    expect(grid([[0, 0], [0, 0]])).toEqual([
      ['0', '0', '0'],
      ['0', '0', '0'],
      ['0', '0', '0'],
    ]);
  });

  it('takes the threshold from the options', () => {
    //  9 12 | 21   With threshold 10 only the 9 is small: row 0 → 12, column 0 → 15, then row 1
    // 15 20 | 35   has the 15 alone and its 20 also mends column 1 (over 35).
    // 24 32 | 56
    expect(grid([[9, 12], [15, 20]], 10)).toEqual([
      ['<10', '.', '21'],
      ['.', '.', '35'],
      ['24', '32', '56'],
    ]);
    expect(grid([[9, 12], [15, 20]])).toEqual([
      ['9', '12', '21'],
      ['15', '20', '35'],
      ['24', '32', '56'],
    ]);
    // 2 3 |  5   With threshold 3 only the 2 is small; the 3 is withheld only as its complement
    // 4 5 |  9   (row 0 → 3, column 0 → 4, row 1 → 5 closes the rectangle). A 3 with no small
    // 6 8 | 14   count beside it is printed.
    expect(grid([[2, 3], [4, 5]], 3)).toEqual([
      ['<3', '.', '5'],
      ['.', '.', '9'],
      ['6', '8', '14'],
    ]);
    expect(grid([[3, 30], [40, 50]], 3)).toEqual([
      ['3', '30', '33'],
      ['40', '50', '90'],
      ['43', '80', '123'],
    ]);
  });

  it('reports the counts the rule itself gives away, and does not withhold more in vain', () => {
    // Threshold 3:  1 1 |  2   Row 0 is `<3 <3 <3`: two counts of at least 1 adding up to at most
    //               5 6 | 11   2 are both 1, whatever else is printed. Withholding 5, 6 or the
    //               6 7 | 13   margins would cost information and protect nothing.
    const table = tableWithMargins([[1, 1], [5, 6]]);
    const result = suppress(table, { threshold: 3 });
    expect(showTable(table, result, 2, 2)).toEqual([
      ['<3', '<3', '<3'],
      ['5', '6', '11'],
      ['6', '7', '13'],
    ]);
    expect([...result.exposed]).toEqual(['0,0', '0,1', '0,total']);
    expect(recoveredAnyway(table, 3)).toEqual(new Set(['0,0', '0,1', '0,total']));
    expectProtected(table, printed(table, 3), 3, result.exposed);
  });

  it('labels small counts with the threshold and withheld ones with the one marker', () => {
    expect(belowThreshold(5)).toBe('<5');
    expect(WITHHELD).toBe('.');
  });
});

describe('unpublished counts: what a reader knows as "at least"', () => {
  // The council report for Lejre 2024: the year's decisions D = granted G + rejected R, G = with
  // transport T + without N (section 1); the first decisions P of section 2 are some of the year's
  // decisions: D = P + L, where L, the later decisions, is printed nowhere. A reader knows D ≥ P.
  const values = new Map([['D', 28], ['G', 24], ['R', 4], ['T', 20], ['N', 4], ['P', 28], ['L', 0]]);
  const constraints = [{ total: 'D', parts: ['G', 'R'] }, { total: 'G', parts: ['T', 'N'] }, { total: 'D', parts: ['P', 'L'] }];
  const reader: CountSystem = { values, constraints };
  const withoutL = (display: Map<string, string>) => new Map([...display].filter(([id]) => id !== 'L'));

  it('without the relation, D ≥ P pins the small counts (R = 4, N = 4: the leak the council report had)', () => {
    const apart: CountSystem = { values: new Map([...values].filter(([id]) => id !== 'L')), constraints: constraints.slice(0, 2) };
    const display = printed(apart);
    expect(display.get('P')).toBe('28');
    expect([...recovered(reader, display)]).toEqual(expect.arrayContaining(['R', 'N']));
  });

  it('with L unpublished, no small count can be worked out, and L is printed nowhere', () => {
    const system: CountSystem = { values, constraints, unpublished: new Set(['L']) };
    const display = withoutL(printed(system));
    expectProtected(reader, display);
    expect(suppress(system).suppressed.has('L')).toBe(true);
  });

  it('an unpublished count that is small is protected itself (one application decided twice)', () => {
    const twice = new Map([...values, ['D', 29], ['G', 25], ['T', 21], ['L', 1]]);
    const system: CountSystem = { values: twice, constraints, unpublished: new Set(['L']) };
    const display = withoutL(printed(system));
    expectProtected({ values: twice, constraints }, display);
    // published together, D and P would give L = 1
    expect(display.get('D') === '.' || display.get('P') === '.').toBe(true);
  });
});

describe('suppress over several tables of one report', () => {
  it('protects a count that a breakdown in another table would give back', () => {
    // By offer: N = X + Y = 2 + 11 = 13. By level within offer Y: Y = Y1 + Y2 = 6 + 5.
    const byOffer: CountSystem = { values: new Map([['X', 2], ['Y', 11], ['N', 13]]), constraints: [{ total: 'N', parts: ['X', 'Y'] }] };
    const byLevel: CountSystem = { values: new Map([['Y', 11], ['Y1', 6], ['Y2', 5]]), constraints: [{ total: 'Y', parts: ['Y1', 'Y2'] }] };
    const report = combineSystems(byOffer, byLevel);

    // Alone, the by-offer table withholds X and Y; the by-level table has nothing small and prints
    // Y = 11. Together: X = 13 − 11 = 2.
    const alone = readTogether(printed(byOffer), printed(byLevel));
    expect(alone.get('X')).toBe('<5');
    expect(alone.get('Y')).toBe('11');
    expect(attack(report, alone).subtraction.get('X')).toBe(2);

    // As one system: X is alone in N = X + Y, so Y (11, under 13) goes; Y is then alone in
    // Y = Y1 + Y2, so Y2 (5, under 6) goes. X = 7 − Y2 with Y2 ≥ 5 leaves X in 1–2.
    expect(printed(report)).toEqual(new Map([['X', '<5'], ['Y', '.'], ['N', '13'], ['Y1', '6'], ['Y2', '.']]));
    expectProtected(report, printed(report));
  });

  it('protects tables by offer and by level that share their grand total', () => {
    const offerId: CellIdOf = (r, c) => (r === 'total' && c === 'total' ? 'all' : `offer:${r},${c}`);
    const levelId: CellIdOf = (r, c) => (r === 'total' && c === 'total' ? 'all' : `level:${r},${c}`);
    // By offer × sex          By level × age group
    //  3  0 |  3               6  0 |  6
    //  0 10 | 10               0  7 |  7
    //  3 10 | 13               6  7 | 13
    const byOffer = tableWithMargins([[3, 0], [0, 10]], offerId);
    const byLevel = tableWithMargins([[6, 0], [0, 7]], levelId);

    // Alone, the by-offer table has 3 small three times (cell, row total, column total). Both
    // grand-total sums have one withheld cell; the grand total mends both (the row total 10
    // would mend one), so it is withheld. The by-level table has nothing small and prints the grand total 13, which gives
    // back the row total 13 − 10 = 3, then the column total and the cell.
    const offerAlone = suppress(byOffer);
    expect(showTable(byOffer, offerAlone, 2, 2, offerId)).toEqual([
      ['<5', '0', '<5'],
      ['0', '10', '10'],
      ['<5', '10', '.'],
    ]);
    const report = combineSystems(byOffer, byLevel);
    const alone = readTogether(printed(byOffer), printed(byLevel));
    expect(alone.get('all')).toBe('13');
    expect(attack(report, alone).subtraction).toEqual(new Map([['offer:0,total', 3], ['offer:total,0', 3], ['offer:0,0', 3]]));

    // As one system the grand total is withheld in both tables, so the by-level table needs
    // complements of its own: its row total 6 (under 7), then that row's 6 (the non-zero cell),
    // then that column's total 6 (the non-zero cell). All withheld counts move together with the
    // small cell a: grand total 10 + a, level 6s all 3 + a.
    const together = suppress(report);
    expect(showTable(report, together, 2, 2, offerId)).toEqual([
      ['<5', '0', '<5'],
      ['0', '10', '10'],
      ['<5', '10', '.'],
    ]);
    expect(showTable(report, together, 2, 2, levelId)).toEqual([
      ['.', '0', '.'],
      ['0', '7', '7'],
      ['.', '7', '.'],
    ]);
    expectProtected(report, printed(report));
  });
});

describe('suppress', () => {
  it('is deterministic', () => {
    const values = [[1, 7, 0, 9], [4, 4, 12, 6], [8, 2, 5, 3]];
    const first = suppress(tableWithMargins(values)), second = suppress(tableWithMargins(values));
    expect([...second.suppressed]).toEqual([...first.suppressed]);
    expect([...second.primary]).toEqual([...first.primary]);
  });

  it('rejects what is not a system of counts', () => {
    const bad = (values: [string, number][]): CountSystem => ({ values: new Map(values), constraints: [{ total: 'T', parts: ['a', 'b'] }] });
    expect(() => suppress(bad([['a', 1], ['b', 2], ['T', 4]]))).toThrow(/T is 4 but its parts add up to 3/);
    expect(() => suppress(bad([['a', -1], ['b', 2], ['T', 1]]))).toThrow(/not a non-negative integer/);
    expect(() => suppress(bad([['a', 1], ['T', 1]]))).toThrow(/unknown cell b/);
    expect(() => suppress(tableWithMargins([[1]]), { threshold: 0 })).toThrow(/threshold/);
    expect(() => combineSystems(tableWithMargins([[1]]), tableWithMargins([[2]]))).toThrow(/in one table and/);
  });
});

describe('derivedSuppressed', () => {
  it('withholds a percentage or median when a count it rests on is withheld', () => {
    const out = suppressTable(['A', 'B'], ['inden for frist', 'over frist'], [[2, 9], [8, 7]]);
    // 2 9 | 11    The 2 is alone in its row and column: 9 (row) then 8 (column) then 7 closes
    // 8 7 | 15    the rectangle. Every cell is withheld, the margins are published.
    // 10 16 | 26
    expect(out.cells).toEqual([
      ['<5', '.', '11'],
      ['.', '.', '15'],
      ['10', '16', '26'],
    ]);
    // A's share within deadline, 2 of 11, rests on a withheld count; the total share, 10 of 26, does not.
    expect(derivedSuppressed(['0,0', '0,total'], out.suppression)).toBe(true);
    expect(derivedSuppressed(['total,0', 'total,total'], out.suppression)).toBe(false);
    // A median of B's days rests on B's count 15, which is published.
    expect(derivedSuppressed(['1,total'], out.suppression)).toBe(false);
  });
});

describe('random tables (seeded)', () => {
  /** mulberry32: a tiny seeded generator, so every run checks the same tables. */
  function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const between = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const randomTable = (random: () => number) => {
    const rows = between(random, 2, 6), cols = between(random, 2, 6);
    return Array.from({ length: rows }, () => Array.from({ length: cols }, () => between(random, 0, 12)));
  };

  /** Published counts are the true ones; `<t` is exactly the counts 1 … t−1. */
  function expectFaithful(system: CountSystem, shown: Shown, threshold: number): void {
    for (const [id, v] of system.values) {
      const text = shown.get(id)!;
      if (v >= 1 && v < threshold) expect(text, id).toBe(`<${threshold}`);
      else expect(text === String(v) || text === '.', `${id}: ${v} shown as ${text}`).toBe(true);
    }
  }

  /**
   * The attacker recovers nothing, except cells it also recovers with every count withheld; those
   * the module must report in `exposed`. Returns how many such cells there were.
   */
  function expectProtectedUnlessHopeless(system: CountSystem, shown: Shown, threshold: number): number {
    const anyway = recoveredAnyway(system, threshold);
    const withheld = new Set([...shown].filter(([, text]) => !/^\d+$/.test(text)).map(([id]) => id));
    const lost = [...anyway].filter((id) => withheld.has(id));
    expectProtected(system, shown, threshold, anyway);
    expect(lost.filter((id) => !suppress(system, { threshold }).exposed.has(id))).toEqual([]);
    return lost.length;
  }

  it('lets the attacker recover nothing from 300 tables, threshold 5', () => {
    const random = mulberry32(104);
    let withheld = 0;
    for (let n = 0; n < 300; n++) {
      const system = tableWithMargins(randomTable(random));
      const shown = printed(system);
      expectFaithful(system, shown, 5);
      expectProtectedUnlessHopeless(system, shown, 5);
      withheld += [...shown.values()].filter((t) => t === '.').length;
    }
    expect(withheld).toBeGreaterThan(0); // secondary suppression did happen
  });

  it('lets the attacker recover nothing at thresholds 3 and 10 beyond what the rule gives away', () => {
    const random = mulberry32(2025);
    let hopeless = 0;
    for (const threshold of [3, 10]) {
      for (let n = 0; n < 60; n++) {
        const system = tableWithMargins(randomTable(random));
        const shown = printed(system, threshold);
        expectFaithful(system, shown, threshold);
        hopeless += expectProtectedUnlessHopeless(system, shown, threshold);
      }
    }
    // At threshold 3 a row `1 1 | 2` happens: the limit is real, and is reported.
    expect(hopeless).toBeGreaterThan(0);
  });

  it('lets the attacker recover nothing from 20 larger tables with larger counts', () => {
    const random = mulberry32(265);
    for (let n = 0; n < 20; n++) {
      const rows = between(random, 7, 12), cols = between(random, 5, 8);
      const system = tableWithMargins(Array.from({ length: rows }, () => Array.from({ length: cols }, () => between(random, 0, 30))));
      const shown = printed(system);
      expectFaithful(system, shown, 5);
      expectProtectedUnlessHopeless(system, shown, 5);
    }
  });

  it('lets the attacker recover nothing from 100 pairs of tables sharing their column totals', () => {
    const random = mulberry32(350);
    for (let n = 0; n < 100; n++) {
      const a = randomTable(random);
      const cols = a[0]!.length;
      // b splits each column total of a over 2–4 rows at random.
      const b = Array.from({ length: between(random, 2, 4) }, () => new Array<number>(cols).fill(0));
      for (let c = 0; c < cols; c++) {
        const total = a.reduce((s, row) => s + row[c]!, 0);
        for (let k = 0; k < total; k++) b[between(random, 0, b.length - 1)]![c]!++;
      }
      const shared = (prefix: string): CellIdOf => (r, c) => (r === 'total' ? `total,${c}` : `${prefix}${r},${c}`);
      const system = combineSystems(tableWithMargins(a, shared('a')), tableWithMargins(b, shared('b')));
      const shown = printed(system);
      expectFaithful(system, shown, 5);
      expectProtectedUnlessHopeless(system, shown, 5);
    }
  });
});
