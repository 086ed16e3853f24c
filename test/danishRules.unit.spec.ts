import { describe, expect, it } from 'vitest';
import { LINE_RULES } from '../producers/bulkValidation.ts';
import { danishRule } from '../schemas/danishRules.ts';
import { EVENT_TYPES } from '../schemas/events.ts';
import { validateLine } from '../schemas/validate.ts';
import { VALID, clone, line } from './fixtures/events.ts';

/**
 * The rules the validator gives, found by breaking the valid example of every event type at every
 * field in every way we could think of, rather than listed by hand: a rule added to the schemas
 * without Danish words fails here.
 */
function rulesFound(): Set<string> {
  const rules = new Set<string>(Object.values(LINE_RULES));
  const collect = (text: string) => {
    const v = validateLine(text);
    if (!v.ok) for (const r of v.reasons) rules.add(r.rule);
  };
  const WRONG: unknown[] = [undefined, null, 0, -1, 1.5, 7, 1000, '', 'x', 'x'.repeat(600), true, {}, [], ['x'], [1],
    '2024-02-30', '2024-13-01', '24-01-01', '1999-01', '1999-13', '2024-02-29T25:00:00+01:00', '2024-02-29T10:00:00', '0101901234', '12', 'abcd'];
  const paths = (value: unknown, at: string[] = []): string[][] =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) => [[...at, k], ...paths(v, [...at, k])])
      : [];
  for (const type of EVENT_TYPES) {
    const valid = VALID[type];
    for (const path of paths(valid)) {
      for (const wrong of WRONG) {
        const e = clone(valid);
        let parent = e as Record<string, unknown>;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
        if (wrong === undefined) delete parent[path.at(-1)!];
        else parent[path.at(-1)!] = wrong;
        collect(line(e));
      }
      // an extra field beside this one
      const e = clone(valid);
      let parent = e as Record<string, unknown>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
      parent.extra = 1;
      collect(line(e));
    }
  }
  // DecisionMade's grant against its outcome; OfferLegalBasisChanged to the same basis; the subject of a complaint
  collect(line({ ...clone(VALID.DecisionMade), data: { ...clone(VALID.DecisionMade).data as object, outcome: 'rejected' } }));
  collect(line({ ...clone(VALID.OfferLegalBasisChanged), data: { offerId: 'o-1', from: 'SEL104', to: 'SEL104' } }));
  for (const type of EVENT_TYPES) {
    const data = clone(VALID[type]).data as Record<string, unknown>;
    for (const key of Object.keys(data)) {
      const e = clone(VALID[type]);
      const d = e.data as Record<string, unknown>;
      for (const other of Object.keys(d)) if (other !== key) delete d[other];
      collect(line(e));
    }
  }
  for (const raw of ['', 'not json', '{"a":', '[]', 'null', '"s"', '1', 'true', '{}', '{"type":"Nope","schemaVersion":1}', '{"type":"ApplicationWithdrawn","schemaVersion":2}',
    '{"type":"ApplicationWithdrawn","schemaVersion":1.5}', '{"type":"ApplicationWithdrawn","schemaVersion":0}']) collect(raw);
  return rules;
}


describe('the rules of rejected lines in Danish', () => {
  const rules = rulesFound();

  it('every rule the validator gives has Danish words, with its fields, values and limits kept', () => {
    // (the sweep finds the rules of most kinds: not a handful by chance)
    expect(rules.size).toBeGreaterThan(25);
    const english = /\b(must|required|unknown|not valid|when|expected|supported|field|one of|at most|whole number|empty|line)\b/i;
    for (const rule of rules) {
      const danish = danishRule(rule);
      expect(danish, rule).not.toBe(rule);
      // the parser's own words in a JSON error's parentheses stay as they are
      expect(danish.replace(/^ikke gyldig JSON \(.*\)$/s, 'ikke gyldig JSON').replace(/forventet en af .*/, '').replace(/skal være en af .*/, ''), rule).not.toMatch(english);
      // numbers, quoted values and enum values survive
      for (const kept of rule.match(/\d+|"[^"]*"/g) ?? []) expect(danish, rule).toContain(kept);
    }
  });

  it('words hand-checked rules as a Danish reader expects', () => {
    expect(danishRule('required')).toBe('skal udfyldes');
    expect(danishRule('must be at most 200 characters')).toBe('må højst have 200 tegn');
    expect(danishRule('required when outcome is granted')).toBe('skal udfyldes, når outcome er granted');
    expect(danishRule('must be a whole number 1–5')).toBe('skal være et helt tal fra 1 til 5');
    expect(danishRule('unsupported schemaVersion 2; supported: 1')).toBe('schemaVersion 2 understøttes ikke; understøttet: 1');
    expect(danishRule('unsupported schemaVersion; supported: 1')).toBe('schemaVersion understøttes ikke; understøttet: 1');
    expect(danishRule('must be one of granted, partly_granted, rejected')).toBe('skal være en af granted, partly_granted, rejected');
    // a rule the table does not know stays English rather than being guessed
    expect(danishRule('some new rule')).toBe('some new rule');
  });
});
