import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../schemas/events.ts';
import { looksLikeCpr } from '../schemas/primitives.ts';
import { redactCpr, validateLine, type Verdict } from '../schemas/validate.ts';
import { ENUM_FIELD, REQUIRED_DATA, VALID, clone, line } from './fixtures/events.ts';

const reasonsOf = (v: Verdict) => (v.ok ? [] : v.reasons.map((r) => `${r.path}: ${r.rule}`));
const rejectedWith = (e: unknown, expected: RegExp) => {
  const v = validateLine(typeof e === 'string' ? e : line(e));
  expect(v.ok).toBe(false);
  expect(reasonsOf(v).join(' | ')).toMatch(expected);
};

describe('every event type', () => {
  it('has a valid example for each of the 17 types in contract §1', () => {
    expect(EVENT_TYPES).toHaveLength(17);
    expect(Object.keys(VALID).sort()).toEqual([...EVENT_TYPES].sort());
  });

  describe.each(EVENT_TYPES.map((t) => [t] as [EventType]))('%s', (type) => {
    it('accepts the valid example', () => {
      const v = validateLine(line(VALID[type]));
      expect(reasonsOf(v)).toEqual([]);
      expect(v.ok).toBe(true);
    });

    it('rejects an unknown field in data, naming it', () => {
      const e = clone(VALID[type]);
      (e.data as Record<string, unknown>).nickname = 'x';
      rejectedWith(e, /^data\.nickname: unknown field$/);
    });

    it('rejects an unknown envelope field', () => {
      rejectedWith({ ...clone(VALID[type]), priority: 1 }, /^priority: unknown field$/);
    });

    it.each(REQUIRED_DATA[type].map((f) => [f]))('rejects a missing required data.%s', (field) => {
      const e = clone(VALID[type]);
      delete (e.data as Record<string, unknown>)[field];
      rejectedWith(e, new RegExp(`data\\.${field}: required`));
    });

    it.each(['eventId', 'municipality', 'occurredOn', 'data'].map((f) => [f]))('rejects a missing envelope %s', (field) => {
      const e = clone(VALID[type]);
      delete e[field];
      rejectedWith(e, new RegExp(`^${field}: required$`));
    });

    it('rejects an impossible and a wrongly formatted occurredOn', () => {
      rejectedWith({ ...clone(VALID[type]), occurredOn: '2024-02-30' }, /^occurredOn: must be a real calendar date$/);
      rejectedWith({ ...clone(VALID[type]), occurredOn: '2023-02-29' }, /^occurredOn: must be a real calendar date$/);
      rejectedWith({ ...clone(VALID[type]), occurredOn: '29-02-2024' }, /^occurredOn: must be a date in the format YYYY-MM-DD$/);
    });

    const enumCase = ENUM_FIELD[type];
    if (enumCase) {
      it(`rejects a wrong enum value in data.${enumCase[0]}`, () => {
        const e = clone(VALID[type]);
        (e.data as Record<string, unknown>)[enumCase[0]] = enumCase[1];
        rejectedWith(e, new RegExp(`^data\\.${enumCase[0]}: must be one of `));
      });
    }
  });
});

describe('case events and offer events', () => {
  it('requires caseId on case events', () => {
    const e = clone(VALID.AttendanceRegistered);
    delete e.caseId;
    rejectedWith(e, /^caseId: required$/);
  });
  it('rejects caseId on offer events', () => {
    rejectedWith({ ...clone(VALID.OfferRegistered), caseId: 'c-1' }, /^caseId: unknown field$/);
  });
});

describe('each kind of invalid input', () => {
  it('malformed JSON', () => rejectedWith('{"eventId": "e-1",', /^line: not valid JSON/));
  it('an array instead of an object', () => rejectedWith('[{"eventId":"e-1"}]', /^line: must be one JSON object per line, not an array$/));
  it('a bare value', () => rejectedWith('42', /^line: must be one JSON object per line, not a number$/));
  it('an unknown type', () => rejectedWith({ ...clone(VALID.ServiceEnded), type: 'ServiceFinished' }, /^type: unknown event type "ServiceFinished"/));
  it('a missing type', () => {
    const e = clone(VALID.ServiceEnded);
    delete e.type;
    rejectedWith(e, /^type: required$/);
  });
  it('an out-of-range number', () => {
    const e = clone(VALID.DecisionMade);
    (e.data as { grant: { daysPerWeek: number } }).grant.daysPerWeek = 6;
    rejectedWith(e, /^data\.grant\.daysPerWeek: must be 1–5$/);
    const a = clone(VALID.AssessmentCompleted);
    (a.data as { functionLevel: number }).functionLevel = 5;
    rejectedWith(a, /^data\.functionLevel: must be 0–4$/);
    const o = clone(VALID.OfferRegistered);
    (o.data as { capacity: number }).capacity = 0;
    rejectedWith(o, /^data\.capacity: must be a whole number > 0$/);
  });
  it('a fractional number', () => {
    const e = clone(VALID.GrantChanged);
    (e.data as { daysPerWeek: number }).daysPerWeek = 2.5;
    rejectedWith(e, /^data\.daysPerWeek: must be a whole number 1–5$/);
  });
  it('a wrong type', () => {
    const e = clone(VALID.ActionPlanRecorded);
    (e.data as { offered: unknown }).offered = 'yes';
    rejectedWith(e, /^data\.offered: must be true or false$/);
  });
  it('an unsupported schemaVersion', () => {
    rejectedWith({ ...clone(VALID.ServiceEnded), schemaVersion: 2 }, /^schemaVersion: unsupported schemaVersion 2; supported: 1$/);
    rejectedWith({ ...clone(VALID.ServiceEnded), schemaVersion: '1' }, /^schemaVersion: must be an integer$/);
  });
  it('a granting decision without grant, and a rejection with one', () => {
    const e = clone(VALID.DecisionMade);
    delete (e.data as Record<string, unknown>).grant;
    rejectedWith(e, /^data\.grant: required when outcome is granted$/);
    (e.data as Record<string, unknown>).outcome = 'rejected';
    expect(validateLine(line(e)).ok).toBe(true);
    const r = clone(VALID.DecisionMade);
    (r.data as Record<string, unknown>).outcome = 'rejected';
    rejectedWith(r, /^data\.grant: must be absent when outcome is rejected$/);
  });
  it('a GrantChanged that changes nothing', () => {
    rejectedWith({ ...clone(VALID.GrantChanged), data: { decisionId: 'd-1' } }, /^data: must change at least one of daysPerWeek, offerId, transport$/);
  });
  it('a legal-basis change to the same basis', () => {
    rejectedWith({ ...clone(VALID.OfferLegalBasisChanged), data: { offerId: 'o', from: 'SEL104', to: 'SEL104' } }, /^data\.to: must differ/);
  });
  it('a municipality code that is not 3 digits', () => {
    rejectedWith({ ...clone(VALID.ServiceEnded), municipality: '0350' }, /^municipality: must be a 3-digit municipality code$/);
  });
  it('a recordedAt without offset', () => {
    rejectedWith({ ...clone(VALID.ServiceEnded), recordedAt: '2024-02-29T10:00:00' }, /^recordedAt: must be an ISO 8601 timestamp with offset/);
  });
  it('accepts a missing recordedAt (ingestion time stands in)', () => {
    const e = clone(VALID.ServiceEnded);
    delete e.recordedAt;
    expect(validateLine(line(e)).ok).toBe(true);
  });
  it('an eventId over 100 characters', () => {
    rejectedWith({ ...clone(VALID.ServiceEnded), eventId: 'x'.repeat(101) }, /^eventId: must be at most 100 characters$/);
  });
});

describe('the CPR rule', () => {
  it.each([
    ['DDMMYY-XXXX', '010180-1234'],
    ['ten digits forming a date', '3112991234'],
    ['inside a longer text', 'borger 2902001234 ringede'],
  ])('rejects %s anywhere, naming the field', (_kind, cpr) => {
    const e = clone(VALID.DeadlineExtensionNotified);
    (e.data as { reason: string }).reason = cpr;
    rejectedWith(e, /^data\.reason: looks like a CPR number/);
  });
  it('rejects a whole number whose digits look like a CPR number, however it is written', () => {
    const offer = (capacity: string) => line(clone(VALID.OfferRegistered)).replace(/"capacity":\d+/, `"capacity":${capacity}`);
    for (const written of ['1501901234', '1501901234.0', '1.501901234e9', '15019012.34E2']) {
      expect(JSON.parse(offer(written)).data.capacity).toBe(1501901234);
      rejectedWith(offer(written), /^data\.capacity: looks like a CPR number/);
      // and the raw line kept in the dead-letter store has no such digits either
      expect(redactCpr(offer(written)), written).toContain('"capacity":X');
      expect(redactCpr(offer(written)).replace(/\D/g, ''), written).not.toContain('150190123');
    }
    // 12-34-56 is no date: a large capacity, not a CPR number
    expect(validateLine(offer('1234567890')).ok).toBe(true);
    expect(validateLine(offer('12')).ok).toBe(true);
  });
  it('rejects a CPR number as an id, in the envelope or nested', () => {
    rejectedWith({ ...clone(VALID.ServiceEnded), caseId: '0101801234' }, /^caseId: looks like a CPR number/);
    rejectedWith({ ...clone(VALID.ServiceEnded), source: 'sys 010180-1234' }, /^source: looks like a CPR number/);
  });
  it('rejects a CPR number spelled with JSON escapes, and redacts it in the kept raw text', () => {
    // "\u0030" is "0" once parsed: the raw text has no digit run, the value has one
    const escaped = line({ ...clone(VALID.ServiceEnded), caseId: 'CPR' }).replace('"CPR"', '"\\u0030\\u00310180\\u002d1234"');
    expect(JSON.parse(escaped).caseId).toBe('010180-1234');
    rejectedWith(escaped, /^caseId: looks like a CPR number/);
    const kept = redactCpr(escaped);
    expect(kept).toContain('"caseId":"XXXXXX-XXXX"');
    expect(kept).not.toMatch(/\\u003\d/);
    // a line without a CPR number keeps its escapes as they were
    const harmless = '{"a":"\\u00e6\\u0031"}';
    expect(redactCpr(harmless)).toBe(harmless);
  });
  it('keeps no CPR number in the reasons, where a reason quotes the input', () => {
    const quoted = [
      // an unknown type and a schemaVersion are quoted in their rules, a key is its path
      { ...clone(VALID.ServiceEnded), type: '0101801234' },
      { ...clone(VALID.ServiceEnded), schemaVersion: 1201801234 },
      { ...clone(VALID.ServiceEnded), data: { ...clone(VALID.ServiceEnded).data as object, '010180-1234': 'x' } },
    ].map(line);
    for (const text of quoted) {
      const v = validateLine(text);
      expect(v.ok, text).toBe(false);
      const reasons = reasonsOf(v).join(' | ');
      expect(reasons, text).not.toMatch(/\d{6}-?\d{4}/);
      expect(reasons, text).toMatch(/XXXXXX-?XXXX/);
    }
  });
  it('keeps no part of a CPR number in the parser\'s excerpt of a line that is not JSON, which cuts it short', () => {
    // (V8 quotes ten characters: "x010190123"... kept the birth date and three of the four digits)
    for (const text of ['borger 010180-1234', 'x0101901234aaaaaaaaaaaaaaaaaaaa', '{"a":1} 0101801234']) {
      const reasons = reasonsOf(validateLine(text)).join(' | ');
      expect(reasons, text).toMatch(/^line: not valid JSON \(/);
      expect(reasons.replace(/position \d+ \(line \d+ column \d+\)|position \d+/, ''), text).not.toMatch(/\d{2}/);
    }
    // the position the parser gives stays; a line without a CPR-like run keeps its excerpt
    expect(reasonsOf(validateLine('{"a":1} 0101801234')).join()).toMatch(/at position 8\b/);
    expect(reasonsOf(validateLine('x12345')).join()).toContain('"x12345"');
  });
  it('tells CPR-like strings from other digit runs', () => {
    expect(looksLikeCpr('3213991234')).toBe(false); // day 32
    expect(looksLikeCpr('0113991234')).toBe(false); // month 13
    expect(looksLikeCpr('2902011234')).toBe(false); // 29 Feb in a year not divisible by 4
    expect(looksLikeCpr('2902041234')).toBe(true);
    expect(looksLikeCpr('01018012345')).toBe(false); // 11 digits: not a CPR number
    expect(looksLikeCpr('2024-02-29T10:00:00+01:00')).toBe(false);
    expect(looksLikeCpr('350-c-000123')).toBe(false);
  });
});
