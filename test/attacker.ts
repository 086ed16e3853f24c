import { expect } from 'vitest';
import type { Cell } from '../reports/runner.ts';

// ---------------------------------------------------------------------------------------------
// The attacker. It reads what is published: a number is known, `<5` is 1–4, `.` is any count
// (with readsMarkers: 0 or at least 5, since a small one would say `<5`); a count never shown is
// any count. It knows the sums below, worked out by hand from the reports' definitions, and
// that a shown percentage of a known denominator gives its count back. It subtracts, eliminates
// exactly over the rationals, and narrows bounds through the sums and orderings until nothing
// changes. A withheld or never-shown small count it pins is a leak.
// ---------------------------------------------------------------------------------------------

export interface Facts {
  /** total = Σ parts */
  sums: [string, string[]][];
  /** less ≤ more (a cumulative column) */
  orders: [string, string][];
  /** A shown percentage of a denominator gives back its count. */
  shares: { pct: string; count: string; of: string }[];
}

type Fraction = readonly [bigint, bigint];
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const frac = (n: bigint, d = 1n): Fraction => {
  const k = gcd(n, d) || 1n;
  return d < 0n ? [-n / k, -d / k] : [n / k, d / k];
};
const minus = (a: Fraction, b: Fraction) => frac(a[0] * b[1] - b[0] * a[1], a[1] * b[1]);
const times = (a: Fraction, b: Fraction) => frac(a[0] * b[0], a[1] * b[1]);
const over = (a: Fraction, b: Fraction) => frac(a[0] * b[1], a[1] * b[0]);

export function attack(published: ReadonlyMap<string, Cell>, facts: Facts, { readsMarkers }: { readsMarkers: boolean }): Map<string, number> {
  const known = new Map<string, number>();
  const lo = new Map<string, number>(), hi = new Map<string, number>(), gap = new Set<string>();
  const names = new Set([...published.keys(), ...facts.sums.flat(2), ...facts.orders.flat(), ...facts.shares.flatMap((s) => [s.count, s.of])]);
  for (const name of names) {
    const text = published.get(name);
    if (typeof text === 'number') known.set(name, text);
    else if (text === '<5') lo.set(name, 1), hi.set(name, 4);
    else {
      lo.set(name, 0), hi.set(name, Infinity);
      if (text === '.' && readsMarkers) gap.add(name);
    }
  }
  const fix = (name: string, v: number): boolean => {
    if (known.has(name)) return false;
    expect(Number.isInteger(v) && v >= lo.get(name)! && v <= hi.get(name)!, `${name} = ${v}`).toBe(true);
    known.set(name, v);
    return true;
  };
  const bound = (name: string, l: number, h: number): boolean => {
    if (known.has(name)) return false;
    let newLo = Math.max(lo.get(name)!, Math.ceil(l)), newHi = Math.min(hi.get(name)!, Math.floor(h));
    if (gap.has(name) && newLo >= 1 && newLo <= 4) newLo = 5;
    if (gap.has(name) && newHi <= 4) newHi = 0;
    if (newLo === lo.get(name) && newHi === hi.get(name)) return false;
    lo.set(name, newLo), hi.set(name, newHi);
    if (newLo === newHi) fix(name, newLo);
    return true;
  };
  const range = (name: string): [number, number] => (known.has(name) ? [known.get(name)!, known.get(name)!] : [lo.get(name)!, hi.get(name)!]);

  for (let progress = true; progress; ) {
    progress = false;
    for (const { pct, count, of } of facts.shares) {
      const p = published.get(pct);
      if (typeof p === 'number' && known.has(of)) progress = fix(count, Math.round((p * known.get(of)!) / 100)) || progress;
    }
    // Exact elimination: a row left with one unknown gives it.
    const unknown = [...new Set(facts.sums.flat(2))].filter((n) => !known.has(n));
    const col = new Map(unknown.map((n, j) => [n, j]));
    const rows = facts.sums.map(([total, parts]) => {
      const row: Fraction[] = Array.from({ length: unknown.length + 1 }, () => frac(0n));
      for (const [name, sign] of [[total, 1n], ...parts.map((p) => [p, -1n] as const)] as const) {
        const j = col.get(name);
        if (j === undefined) row[unknown.length] = minus(row[unknown.length]!, frac(sign * BigInt(known.get(name)!)));
        else row[j] = frac(row[j]![0] + sign * row[j]![1], row[j]![1]);
      }
      return row;
    });
    let rank = 0;
    for (let j = 0; j < unknown.length; j++) {
      const p = rows.findIndex((r, k) => k >= rank && r[j]![0] !== 0n);
      if (p < 0) continue;
      [rows[rank], rows[p]] = [rows[p]!, rows[rank]!];
      const pivot = rows[rank]!.map((x) => over(x, rows[rank]![j]!));
      rows[rank] = pivot;
      rows.forEach((r, k) => {
        if (k !== rank && r[j]![0] !== 0n) rows[k] = r.map((x, m) => minus(x, times(r[j]!, pivot[m]!)));
      });
      rank++;
    }
    for (const r of rows.slice(0, rank)) {
      const left = r.slice(0, unknown.length).flatMap((x, j) => (x[0] === 0n ? [] : [j]));
      if (left.length !== 1) continue;
      const v = over(r[unknown.length]!, r[left[0]!]!);
      progress = fix(unknown[left[0]!]!, Number(v[0]) / Number(v[1])) || progress;
    }
    // Bounds through the sums and the orderings.
    for (const [total, parts] of facts.sums) {
      const [tLo, tHi] = range(total);
      // Sums of the other parts' bounds, term by term: an infinite bound is never subtracted.
      const others = (k: number, end: 0 | 1) => parts.reduce((s, p, j) => (j === k ? s : s + range(p)[end]), 0);
      progress = bound(total, others(-1, 0), others(-1, 1)) || progress;
      parts.forEach((p, k) => {
        progress = bound(p, tLo - others(k, 1), tHi - others(k, 0)) || progress;
      });
    }
    for (const [less, more] of facts.orders) {
      progress = bound(less, 0, range(more)[1]) || progress;
      progress = bound(more, range(less)[0], Infinity) || progress;
    }
  }
  return new Map([...known].filter(([name]) => typeof published.get(name) !== 'number'));
}

/** What the attacker must not pin: every withheld count, and every small count never shown. */
export function leaks(published: ReadonlyMap<string, Cell>, truth: ReadonlyMap<string, number>, facts: Facts): string[] {
  const out: string[] = [];
  for (const readsMarkers of [false, true]) {
    for (const [name, v] of attack(published, facts, { readsMarkers })) {
      expect(v, name).toBe(truth.get(name));
      const shown = published.get(name);
      if (shown === '<5' || shown === '.' || (shown === undefined && v >= 1 && v <= 4)) out.push(`${name} = ${v}${readsMarkers ? ' (reading . as 0 or ≥ 5)' : ''}`);
    }
  }
  return out;
}

/** The cells of rows as `prefix.key.column` (key: the row's labels). */
export function cells(prefix: string, rows: readonly Record<string, Cell>[], key: (r: Record<string, Cell>) => string): Map<string, Cell> {
  return new Map(rows.flatMap((r) => Object.entries(r).map(([c, v]) => [`${prefix}.${key(r)}.${c}`, v] as const)));
}

