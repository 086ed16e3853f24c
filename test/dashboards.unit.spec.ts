import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { View, parse } from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { CHART_CONFIG, PAGES, descriptionOf, drawnSpec, offerAxisLabels } from '../dashboards/charts.ts';
import { renderDashboardPage } from '../dashboards/dashboardPage.ts';
import { findReport } from '../reports/catalogue.ts';
import { loadStandards } from '../schemas/standard.ts';

const standards = loadStandards();

// The JSON Schema shipped in the vega-lite package itself.
const schemaFile = join(dirname(fileURLToPath(import.meta.resolve('vega-lite'))), 'vega-lite-schema.json');
const ajv = new Ajv({ strict: false, allowUnionTypes: true, validateFormats: false });
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);

describe('dashboard charts', () => {
  const charts = PAGES.flatMap((p) => p.charts.map((c) => ({ page: p.id, chart: c })));

  it('the schema check rejects what Vega-Lite would reject', () => {
    expect(validate({ data: { name: 'rows' }, mark: 'pie-ish', encoding: {} })).toBe(false);
    expect(validate({ data: { name: 'rows' }, mark: 'bar', encoding: { x: { field: 'a', type: 'quantitive' } } })).toBe(false);
  });

  it('has charts on every page, with unique ids', () => {
    expect(PAGES.every((p) => p.charts.length > 0)).toBe(true);
    const ids = charts.map((c) => c.chart.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a chart over periods names them by the unit its report is asked for (År for --by year)', () => {
    const unit = { month: ['Måned', 'Month'], quarter: ['Kvartal', 'Quarter'], year: ['År', 'Year'] } as const;
    const overPeriods = charts.filter(({ chart }) => (chart.spec('da', { standards }) as { encoding?: { x?: { field?: string } } }).encoding?.x?.field === 'period');
    expect(overPeriods.length).toBeGreaterThan(5);
    for (const { page, chart } of overPeriods) {
      const by = chart.params?.by as keyof typeof unit;
      for (const [i, lang] of (['da', 'en'] as const).entries()) {
        const title = (chart.spec(lang, { standards }) as { encoding: { x: { title: string } } }).encoding.x.title;
        expect(`${page}/${chart.id}: ${title}`).toBe(`${page}/${chart.id}: ${unit[by][i]}`);
      }
    }
  });

  it('every colour a bar or line can take keeps 3:1 contrast with the white page (WCAG 1.4.11)', async () => {
    // The colours Vega draws with the shared config: ten categories, and five ordered ones (days per week).
    const drawn = async (type: 'nominal' | 'ordinal', n: number): Promise<string[]> => {
      const values = Array.from({ length: n }, (_, i) => ({ k: i + 1 }));
      const { spec } = compile({ data: { values }, mark: 'bar', encoding: { x: { field: 'k', type: 'ordinal' }, color: { field: 'k', type } }, config: CHART_CONFIG } as never);
      const view = new View(parse(spec), { renderer: 'none' });
      await view.runAsync();
      return (view.scale('color').range() as string[]).slice(0, n);
    };
    const luminance = (colour: string): number => {
      const rgb = /^#/.test(colour)
        ? [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16))
        : colour.match(/\d+/g)!.slice(0, 3).map(Number);
      const [r, g, b] = rgb.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const colours = [...(await drawn('nominal', 10)), ...(await drawn('ordinal', 5))];
    expect(colours).toHaveLength(15);
    for (const c of colours) expect((1.05 / (luminance(c) + 0.05)), c).toBeGreaterThanOrEqual(3);
  });

  it('neighbouring days per week differ clearly in colour (CIE76 ΔE ≥ 10), darker for more days', async () => {
    const values = Array.from({ length: 5 }, (_, i) => ({ k: i + 1 }));
    const { spec } = compile({ data: { values }, mark: 'bar', encoding: { x: { field: 'k', type: 'ordinal' }, color: { field: 'k', type: 'ordinal' } }, config: CHART_CONFIG } as never);
    const view = new View(parse(spec), { renderer: 'none' });
    await view.runAsync();
    const rgb = (view.scale('color').range() as string[]).slice(0, 5).map((c) => c.match(/\d+/g)!.slice(0, 3).map(Number));
    // sRGB (D65) → CIE L*a*b*
    const lab = (c: number[]): number[] => {
      const [r, g, b] = c.map((v) => v / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
      const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
      const [x, y, z] = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
      return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
    };
    const labs = rgb.map(lab);
    for (let i = 1; i < 5; i++) {
      expect(Math.hypot(...labs[i]!.map((v, j) => v - labs[i - 1]![j]!)), `${i} → ${i + 1} days`).toBeGreaterThanOrEqual(10);
      expect(labs[i]![0], `${i + 1} days darker than ${i}`).toBeLessThan(labs[i - 1]![0]!);
    }
  });

  it('the VUM level axes call a grant without assessment "ingen VUM" / "no VUM", not "null"', async () => {
    const rows = [
      { municipality: '265', offerId: 'o-1', functionLevel: null, daysPerWeek: 2, grants: 1 },
      { municipality: '265', offerId: 'o-1', functionLevel: 3, daysPerWeek: 4, grants: 2 },
    ];
    for (const id of ['days-by-level', 'days-by-offer-level']) {
      const chart = charts.find((c) => c.chart.id === id)!.chart;
      for (const [lang, word] of [['da', 'ingen VUM'], ['en', 'no VUM']] as const) {
        const { spec } = compile({ ...chart.spec(lang, { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
        const svg = await new View(parse(spec), { renderer: 'none' }).toSVG();
        expect(svg, `${id} ${lang}`).toContain(`>${word}</text>`);
        expect(svg, `${id} ${lang}`).not.toContain('>null</text>');
      }
    }
  });

  it('every axis has a title (the curve\'s share axis had none: its labels\' layer titled it null), and Vega writes no ARIA labels of its own', async () => {
    // axes whose labels are the words themselves: the funnel's steps, the §82a flow's outcomes
    const untitled = new Set(['funnel/bottom', 'migration/left']);
    for (const { chart } of charts) {
      for (const lang of ['da', 'en'] as const) {
        const { spec } = compile({ ...drawnSpec(chart, lang, { standards }), width: 400, datasets: { rows: [] }, config: CHART_CONFIG } as never);
        const axes: { orient: string; title?: unknown; aria?: boolean; labels?: boolean }[] = [];
        const marks: { type: string; aria?: boolean; encode?: { update?: Record<string, unknown> } }[] = [];
        const walk = (node: unknown) => {
          if (node === null || typeof node !== 'object') return;
          const n = node as { axes?: typeof axes; marks?: typeof marks };
          if (Array.isArray(n.axes)) axes.push(...n.axes);
          if (Array.isArray(n.marks)) marks.push(...n.marks.filter((m) => m.type !== 'group'));
          for (const v of Object.values(node)) walk(v);
        };
        walk(spec);
        // (an axis that draws only the grid has no labels and needs no title)
        for (const a of axes.filter((x) => x.labels !== false && !untitled.has(`${chart.id}/${x.orient}`))) expect(a.title, `${chart.id} ${a.orient} ${lang}`).toBeTruthy();
        // (English, with field names and codes: "municipality: 350; standardVersion: lejre-2021")
        for (const a of axes) expect(a.aria, `${chart.id} axis`).toBe(false);
        // (and each mark is out of the accessibility tree: axe calls a mark without a label an image without alternative text)
        for (const m of marks) {
          expect(Object.keys(m.encode?.update ?? {}), `${chart.id} ${m.type}`).not.toContain('description');
          expect(m.aria, `${chart.id} ${m.type}`).toBe(false);
        }
      }
    }
  });

  it('no chart makes Vega-Lite warn, but for the "fit-y" it drops from a chart as wide as its box with a row per offer', () => {
    // (Vega-Lite warns so for any width "container" with a step height, even with autosize fit-x)
    const stepHeight = new Set(['absence', 'migration']);
    for (const { chart } of charts) {
      for (const lang of ['da', 'en'] as const) {
        const warnings: unknown[] = [];
        const logger = { level: () => logger, error: () => logger, info: () => logger, debug: () => logger, warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return logger; } };
        compile({ ...drawnSpec(chart, lang, { standards }), datasets: { rows: [] }, config: CHART_CONFIG } as never, { logger } as never);
        expect(warnings, `${chart.id} ${lang}`).toEqual(stepHeight.has(chart.id) ? ['Dropping "fit-y" because spec has discrete height.'] : []);
      }
    }
  });

  it('the data-quality chart names each check in words, with whole-number ticks', async () => {
    // the seven checks of domain.md metric 10, two findings at most: the axis must not tick at 0,5
    const checks = ['unknown_case', 'unknown_offer', 'grant_days_outside_standard', 'attendance_outside_service',
      'service_at_82a_offer', 'service_without_citizen', 'application_before_standard'];
    const rows = checks.map((check, i) => ({ municipality: '350', check, count: i % 3, examples: [] }));
    const chart = charts.find((c) => c.chart.id === 'checks')!.chart;
    const words = {
      da: ['Ukendt sag', 'Ukendt tilbud', 'Dage uden for standarden', 'Fremmøde uden for en ydelse', '§ 104-ydelse ved § 82a-tilbud', 'Ydelse uden borger', 'Ansøgning før standarden'],
      en: ['Unknown case', 'Unknown offer', 'Days outside the standard', 'Attendance outside a service', '§ 104 service at a § 82a offer', 'Service without a citizen', 'Application before the standard'],
    };
    for (const lang of ['da', 'en'] as const) {
      const { spec } = compile({ ...chart.spec(lang, { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
      const svg = await new View(parse(spec), { renderer: 'none' }).toSVG();
      for (const w of words[lang]) expect(svg, lang).toContain(`>${w}</text>`);
      for (const c of checks) expect(svg, lang).not.toContain(`>${c}</text>`);
      // the numbers drawn, but for the municipality code in the legend
      const ticks = [...svg.matchAll(/>(\d+(?:[.,]\d+)?)<\/text>/g)].map((m) => m[1]).filter((n) => n !== '350');
      expect(ticks, lang).toEqual(['0', '1', '2']);
    }
  });

  it('the complaint funnel starts at the decisions, on a log scale whose ticks mark the small counts', async () => {
    const rows = [{ municipality: '265', decisions: 170, complaints: 4, fullReversal: 0, partial: 1, maintained: 3, forwarded: 4,
      upheld: 2, changedOrAnnulled: 1, remitted: 0, dismissed: 1 }];
    const chart = charts.find((c) => c.chart.id === 'funnel')!.chart;
    const { spec } = compile({ ...chart.spec('da', { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
    const svg = await new View(parse(spec), { renderer: 'none' }).toSVG();
    const texts = [...svg.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
    // the steps in the order of the issue: decisions → complaints → reassessed → forwarded → outcomes
    expect(texts.indexOf('Afgørelser')).toBeGreaterThan(-1);
    expect(texts.indexOf('Afgørelser')).toBeLessThan(texts.indexOf('Klager'));
    expect(texts.indexOf('Klager')).toBeLessThan(texts.indexOf('Videresendt'));
    // 1, 2 and 5 are marked although the axis reaches past 100
    for (const tick of ['0', '1', '2', '5', '10', '100']) expect(texts, tick).toContain(tick);
    expect(texts).toContain('Antal (logaritmisk skala)');
  });

  /** The chart drawn by Vega on `rows`, as SVG, with the texts it shows. */
  const draw = async (id: string, lang: 'da' | 'en', rows: object[]) => {
    const chart = charts.find((c) => c.chart.id === id)!.chart;
    const { spec } = compile({ ...chart.spec(lang, { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
    const view = new View(parse(spec), { renderer: 'none' });
    const svg = await view.toSVG();
    // (a label of several lines is a text of tspans)
    return { svg, texts: [...svg.matchAll(/>([^<>]+)<\/(?:text|tspan)>/g)].map((m) => m[1]!), view };
  };
  /** The marks of a type (rect, line, symbol …) Vega drew with at least one item: a line is one mark. */
  const marks = (view: View, marktype: string): { items: { datum?: Record<string, unknown> }[] }[] => {
    const found: { items: { datum?: Record<string, unknown> }[] }[] = [];
    const walk = (node: { marktype?: string; role?: string; items?: unknown[] }) => {
      if (node.marktype === marktype && node.role === 'mark' && (node.items?.length ?? 0) > 0) found.push(node as never);
      for (const item of node.items ?? []) walk(item as never);
    };
    walk((view.scenegraph() as unknown as { root: never }).root);
    return found;
  };

  it('the work list names each status in words, the most urgent first, with whole-number ticks', async () => {
    const rows = [
      ...Array.from({ length: 3 }, (_, i) => ({ municipality: '350', caseId: `a${i}`, status: 'at_risk' })),
      { municipality: '350', caseId: 'b', status: 'overdue_without_notice' },
      { municipality: '265', caseId: 'c', status: 'no_deadline' },
    ];
    const words = { da: ['Overskredet, ikke orienteret', 'I risiko', 'Ingen frist'], en: ['Overdue, not told', 'At risk', 'No deadline'] };
    for (const lang of ['da', 'en'] as const) {
      const { texts } = await draw('worklist', lang, rows);
      const shown = texts.filter((x) => words[lang].includes(x));
      expect(shown, lang).toEqual(words[lang]);
      for (const code of ['at_risk', 'overdue_without_notice', 'no_deadline']) expect(texts, lang).not.toContain(code);
      expect(texts.filter((x) => /^\d+([.,]\d+)?$/.test(x) && x !== '265' && x !== '350'), lang).toEqual(['0', '1', '2', '3']);
    }
  });

  it('deadline compliance: a colour per municipality, a dash per version, no line for a standard without deadline', async () => {
    const rows = [
      { period: '2024-Q1', municipality: '265', standardVersion: 'roskilde', decided: 9, withinDeadline: 0, compliancePct: null },
      { period: '2024-Q1', municipality: '350', standardVersion: 'lejre-old', decided: 2, withinDeadline: 1, compliancePct: 50 },
      { period: '2024-Q1', municipality: '350', standardVersion: 'lejre-2021', decided: 4, withinDeadline: 4, compliancePct: 100 },
      { period: '2024-Q2', municipality: '350', standardVersion: 'lejre-2021', decided: 5, withinDeadline: 4, compliancePct: 80 },
    ];
    for (const id of ['compliance', 'compliance-by-quarter']) {
      const { texts, view } = await draw(id, 'da', rows);
      // the legends: the municipality with a deadline, and its standard's two versions
      expect(texts, id).toContain('350');
      expect(texts, id).toContain('lejre-old');
      expect(texts, id).toContain('lejre-2021');
      expect(texts, id).not.toContain('265');
      expect(texts, id).not.toContain('roskilde');
      // one line per version of Lejre's standard, and a point per row with a value
      const lines = marks(view, 'line').filter((m) => m.items[0]?.datum?.compliancePct !== undefined);
      expect(lines.map((m) => m.items.map((i) => i.datum!.compliancePct)), id).toEqual([[50], [100, 80]]);
      // the versions' legend draws each as a line with its own dash, not as a circle
      const { svg } = await draw(id, 'da', rows);
      const dashes = [...svg.matchAll(/<path transform="[^"]*" d="M-5,0L5,0" stroke="#333"[^>]*stroke-dasharray="([^"]+)"/g)].map((m) => m[1]);
      expect(dashes.length, id).toBe(2);
      expect(new Set(dashes).size, id).toBe(2);
    }
  });

  it('absence is a grid of offer × month: a cell per month with planned days, none without', async () => {
    const rows = [
      { period: '2024-01', municipality: '265', offerId: '265-o-a', plannedDays: 20, cancelled: 2, noShow: 1, absenceRatePct: 15 },
      { period: '2024-02', municipality: '265', offerId: '265-o-a', plannedDays: 0, cancelled: 0, noShow: 0, absenceRatePct: null },
      { period: '2024-02', municipality: '265', offerId: '265-o-b', plannedDays: 10, cancelled: 5, noShow: 0, absenceRatePct: 50 },
    ];
    const { texts, view } = await draw('absence', 'da', rows);
    const cells = marks(view, 'rect').flatMap((m) => m.items).filter((i) => i.datum?.offerId !== undefined);
    expect(cells.map((c) => [c.datum!.offerId, c.datum!.period])).toEqual([['265-o-a', '2024-01'], ['265-o-b', '2024-02']]);
    // on a time axis: February's cell starts where January's ends, each as wide as its month (31 : 29 days)
    const [jan, feb] = cells as unknown as { x: number; width: number }[];
    expect(feb!.x).toBeCloseTo(jan!.x + jan!.width, 6);
    expect(jan!.width / feb!.width).toBeCloseTo(31 / 29, 6);
    for (const x of ['265-o-a', '265-o-b', 'Måned', 'Tilbud']) expect(texts).toContain(x);
    expect(texts.some((x) => x.includes('2024')), texts.join('|')).toBe(true);
  });

  it('a municipality has one colour on every chart, whoever else is in the rows or the filter', async () => {
    // the colour Vega gives each municipality's marks, as the page draws the chart
    const colours = async (id: string, rows: object[], municipality?: string): Promise<Record<string, string>> => {
      const chart = charts.find((c) => c.chart.id === id)!.chart;
      const { spec } = compile({ ...drawnSpec(chart, 'da', { standards, municipality }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
      const view = new View(parse(spec), { renderer: 'none' });
      await view.runAsync();
      const scale = view.scale('color') as ((v: string) => string) & { domain(): string[] };
      return Object.fromEntries(scale.domain().map((m) => [m, scale(m)]));
    };
    const both = [{ period: '2024-Q1', municipality: '265', applications: 3 }, { period: '2024-Q1', municipality: '350', applications: 1 }];
    const lejre = [{ period: '2024-Q1', municipality: '350', standardVersion: 'lejre-2021', decided: 2, withinDeadline: 1, compliancePct: 50 }];
    const palette = CHART_CONFIG.range.category;
    expect(await colours('applications', both)).toEqual({ 265: palette[0], 350: palette[1] });
    // Lejre alone in the rows (Roskilde has no deadline), and Lejre alone by the filter
    expect(await colours('compliance', lejre)).toEqual({ 265: palette[0], 350: palette[1] });
    expect(await colours('applications', both.slice(1), '350')).toEqual({ 350: palette[1] });
    expect(await colours('worklist', [{ municipality: '350', caseId: 'a', status: 'overdue' }], '350')).toEqual({ 350: palette[1] });
  });

  it('a legend of municipalities names them as their standards do', async () => {
    const chart = charts.find((c) => c.chart.id === 'applications')!.chart;
    const rows = [{ period: '2024-Q1', municipality: '265', applications: 3 }, { period: '2024-Q1', municipality: '350', applications: 1 }];
    const { spec } = compile({ ...drawnSpec(chart, 'da', { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
    const svg = await new View(parse(spec), { renderer: 'none' }).toSVG();
    const texts = [...svg.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
    // standards/265.json and 350.json: "Roskilde Kommune — …", "Lejre Kommune — …"
    expect(texts).toEqual(expect.arrayContaining(['Roskilde (265)', 'Lejre (350)']));
    expect(texts).not.toContain('265');
    // a column per municipality is headed by its name
    const byLevel = charts.find((c) => c.chart.id === 'days-by-level')!.chart;
    const levels = [{ municipality: '265', functionLevel: 3, daysPerWeek: 2, grants: 4 }, { municipality: '350', functionLevel: 2, daysPerWeek: 3, grants: 1 }];
    const faceted = compile({ ...drawnSpec(byLevel, 'en', { standards }), datasets: { rows: levels }, config: CHART_CONFIG } as never).spec;
    const headers = [...(await new View(parse(faceted), { renderer: 'none' }).toSVG()).matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
    expect(headers).toEqual(expect.arrayContaining(['Roskilde (265)', 'Lejre (350)']));
    expect(headers).not.toContain('350');
  });

  it('a line of counts ticks at whole numbers only', async () => {
    const rows = [0, 1, 2, 4, 1].map((overdue, i) => ({ period: `2023-Q${(i % 4) + 1}${i >= 4 ? 'x' : ''}`, municipality: '265', activeGrants: 50, overdue }));
    const { texts } = await draw('follow-up-overdue', 'da', rows);
    const ticks = texts.filter((x) => /^\d+([.,]\d+)?$/.test(x) && x !== '265');
    expect(ticks).toEqual(['0', '1', '2', '3', '4']);
  });

  it('§82a: one bar per change splits the cohort where it went, in order, with the median gap under the offer', async () => {
    const rows = [
      { municipality: '265', offerId: '265-o-x', effectiveDate: '2024-01-01', cohort: 10, continuedUnder82a: 6, movedTo104: 2, ended: 1, stillRecordedAs104: 1, medianGapDays: 3, lostAppealRoute: 6 },
      { municipality: '265', offerId: '265-o-y', effectiveDate: '2024-07-01', cohort: 4, continuedUnder82a: 0, movedTo104: 0, ended: 4, stillRecordedAs104: 0, medianGapDays: null, lostAppealRoute: 0 },
    ];
    const { texts, view } = await draw('migration', 'da', rows);
    const bars = marks(view, 'rect').flatMap((m) => m.items as unknown as { x: number; y: number; width: number; datum: Record<string, unknown> }[])
      .filter((i) => i.datum?.offerId === '265-o-x' && i.width > 0)
      .sort((a, b) => a.x - b.x);
    // left to right: continued 6, moved 2, ended 1, still recorded 1 — widths 6 : 2 : 1 : 1, end to end
    expect(bars.map((b) => b.datum.step)).toEqual(['continuedUnder82a', 'movedTo104', 'ended', 'stillRecordedAs104']);
    expect(bars.map((b) => b.width / bars[2]!.width)).toEqual([6, 2, 1, 1].map((n) => expect.closeTo(n, 6)));
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.x).toBeCloseTo(bars[i - 1]!.x + bars[i - 1]!.width, 6);
    expect(new Set(bars.map((b) => b.y)).size).toBe(1);
    const tooltip = (bars[0] as unknown as { tooltip: Record<string, string> }).tooltip;
    expect(tooltip['Andel af kohorten']).toBe('60.0%');
    // the shares in their segments: 60 % and 20 %; the tenths of ended and still recorded too; 265-o-y all ended
    expect(texts.filter((x) => x.endsWith(' %'))).toEqual(['60 %', '20 %', '10 %', '10 %', '100 %']);
    // the axis: offer and date on one line, the median gap on the next; no gap line without a gap
    expect(texts).toContain('265-o-x · 1. Jan 2024');
    expect(texts).toContain('median pause 3 dage');
    expect(texts).toContain('265-o-y · 1. Jul 2024');
    expect(texts.filter((x) => x.startsWith('median pause'))).toHaveLength(1);
    expect((await draw('migration', 'en', rows)).texts).toEqual(expect.arrayContaining(['265-o-x · 1 Jan 2024', 'median gap 3 days', '60%']));
    for (const w of ['Fortsat under § 82a', 'Andet § 104-tilbud', 'Stoppet', 'Stadig registreret § 104']) expect(texts).toContain(w);
  });

  it('every tooltip names each of its fields in the page\'s language', () => {
    const untitled: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, where));
      if (node === null || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'tooltip' && v !== null && typeof v === 'object') {
          for (const item of Array.isArray(v) ? v : [v]) if (typeof (item as { title?: unknown }).title !== 'string') untitled.push(`${where}: ${JSON.stringify(item)}`);
        } else if (k === 'tooltip' && v === true) untitled.push(`${where}: tooltip: true`);
        else walk(v, where);
      }
    };
    for (const { page, chart } of charts) for (const lang of ['da', 'en'] as const) walk(drawnSpec(chart, lang, { standards }), `${page}/${chart.id} (${lang})`);
    expect(untitled).toEqual([]);
  });

  it('short category labels stand upright: the funnel\'s steps (a word a line) and the years', async () => {
    // the attributes of the <text> that shows `text` (alone, or as one of its lines)
    const attributesOf = (svg: string, text: string): string =>
      [...svg.matchAll(/<text([^>]*)>((?:(?!<\/text>).)*)<\/text>/gs)].find((m) => m[2] === text || m[2]!.includes(`>${text}<`))?.[1] ?? 'missing';
    const funnel = await draw('funnel', 'da', [{ municipality: '265', decisions: 100, complaints: 10, reassessed: 6, fullyRevised: 1, partlyRevised: 2, maintained: 3, forwarded: 5, upheld: 2, changed: 1, remitted: 1, dismissed: 1 }]);
    for (const word of ['Afgørelser', 'Delvist', 'fastholdt']) {
      const attributes = attributesOf(funnel.svg, word);
      expect(attributes, word).not.toBe('missing');
      expect(attributes, word).not.toMatch(/rotate\((?!0\))/);
    }
    const years = await draw('reversal', 'da', [{ period: '2023', municipality: '265', reversalRatePct: 30 }, { period: '2024', municipality: '265', reversalRatePct: 40 }]);
    expect(attributesOf(years.svg, '2023')).not.toBe('missing');
    expect(attributesOf(years.svg, '2023')).not.toMatch(/rotate\((?!0\))/);
    // quarters, many, stay on end
    const quarters = await draw('applications', 'da', [{ period: '2023-Q1', municipality: '265', applications: 3 }]);
    expect(attributesOf(quarters.svg, '2023-Q1')).toMatch(/rotate\((?!0\))/);
  });

  it('the offer filter is on the pages with charts by offer only; elsewhere a chosen offer is kept for the links', () => {
    const withFilter = PAGES.filter((p) => renderDashboardPage(p, { lang: 'da', filters: {}, standards }).includes('<select name="offer">')).map((p) => p.id);
    expect(withFilter).toEqual(['bevillinger', 'fremmoede', 'paragraf-82a']);
    const overblik = renderDashboardPage(PAGES.find((p) => p.id === 'overblik')!, { lang: 'da', filters: { offer: '265-o-itc' }, standards });
    expect(overblik).toContain('<input type="hidden" name="offer" value="265-o-itc">');
    expect(overblik).toContain('href="/dashboards/fremmoede?offer=265-o-itc"');
  });

  it('no dead letters in the period, and no finding in the checks, are said as such', () => {
    const page = PAGES.find((p) => p.id === 'datakvalitet')!;
    for (const [lang, words, checks] of [
      ['da', 'Ingen afviste linjer modtaget i perioden.', 'Ingen fund i datakvalitetstjekkene i perioden.'],
      ['en', 'No rejected lines received in the period.', 'No findings in the data-quality checks in the period.'],
    ] as const) {
      const html = renderDashboardPage(page, { lang, filters: {}, standards });
      const config = JSON.parse(/<script type="application\/json" id="sel104-charts">(.*?)<\/script>/s.exec(html)![1]!) as { empty: string; charts: { id: string; empty?: string }[] };
      expect(config.charts.find((c) => c.id === 'dead-letters')!.empty).toBe(words);
      expect(config.charts.find((c) => c.id === 'checks')!.empty).toBe(checks);
      expect(config.empty).toBe(lang === 'da' ? 'Ingen data for de valgte filtre.' : 'No data for the chosen filters.');
    }
  });

  it('the processing-time curve labels each deadline with its municipality and weeks, the chosen municipality\'s only', async () => {
    const chart = charts.find((c) => c.chart.id === 'curve')!.chart;
    const rows = [{ municipality: '350', weeks: 12, decided: 10, decidedWithin: 9, sharePct: 90 }, { municipality: '265', weeks: 12, decided: 4, decidedWithin: 4, sharePct: 100 }];
    const texts = async (lang: 'da' | 'en', municipality?: string) => {
      const { spec } = compile({ ...drawnSpec(chart, lang, { standards, municipality }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
      return [...(await new View(parse(spec), { renderer: 'none' }).toSVG()).matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
    };
    // standards/350.json: 20 weeks (lejre-old), then 12 (lejre-2021); Roskilde's has no deadline
    expect(await texts('da')).toEqual(expect.arrayContaining(['Lejre: 20 uger', 'Lejre: 12 uger']));
    expect(await texts('en')).toEqual(expect.arrayContaining(['Lejre: 20 weeks', 'Lejre: 12 weeks']));
    expect((await texts('da', '265')).filter((x) => x!.startsWith('Lejre'))).toEqual([]);
  });

  it('the curve\'s deadline labels do not write over each other on a narrow chart (12 and 20 weeks on a phone)', async () => {
    const chart = charts.find((c) => c.chart.id === 'curve')!.chart;
    const rows = [{ municipality: '350', weeks: 12, decided: 10, decidedWithin: 9, sharePct: 90 }];
    // 200 px of plot for 52 weeks: 8 weeks apart is 31 px, and "Lejre: 20 uger" is longer
    const { spec } = compile({ ...drawnSpec(chart, 'da', { standards }), width: 200, datasets: { rows }, config: CHART_CONFIG } as never);
    const view = new View(parse(spec), { renderer: 'none' });
    await view.runAsync();
    type Item = { text?: unknown; bounds: { x1: number; x2: number; y1: number; y2: number }; items?: Item[] };
    const labels: Item[] = [];
    const walk = (item: Item) => {
      if (typeof item.text === 'string' && item.text.startsWith('Lejre:')) labels.push(item);
      item.items?.forEach(walk);
    };
    walk((view.scenegraph() as unknown as { root: Item }).root);
    expect(labels.map((l) => l.text).sort()).toEqual(['Lejre: 12 uger', 'Lejre: 20 uger']);
    const [a, b] = labels.map((l) => l.bounds);
    expect(a!.x1 < b!.x2 && b!.x1 < a!.x2, 'the labels share columns').toBe(true);
    expect(a!.y1 < b!.y2 && b!.y1 < a!.y2, 'the labels overlap').toBe(false);
  });

  it('offers go by their registered names: on the axes, in the tooltips and tables; a shared name says whose', async () => {
    // Both municipalities buy places at another municipality's "Aktivitetshus"; Roskilde registered
    // two offers under one name; 265-o-gone was never registered.
    const offers = [
      { municipality: '265', offerId: '265-o-hus', name: 'Aktivitetshus' },
      { municipality: '350', offerId: '350-o-hus', name: 'Aktivitetshus' },
      { municipality: '265', offerId: '265-o-a', name: 'Klubben' },
      { municipality: '265', offerId: '265-o-b', name: 'Klubben' },
      { municipality: '350', offerId: '350-o-cafe', name: 'Café Ø' },
    ];
    expect(offerAxisLabels({ standards, offers })).toEqual({
      '265-o-hus': 'Aktivitetshus (Roskilde)', '350-o-hus': 'Aktivitetshus (Lejre)',
      '265-o-a': 'Klubben (265-o-a)', '265-o-b': 'Klubben (265-o-b)', '350-o-cafe': 'Café Ø',
    });
    // with Lejre chosen, its offers alone: no other offer shares a name
    expect(offerAxisLabels({ standards, offers, municipality: '350' })).toEqual({ '350-o-hus': 'Aktivitetshus', '350-o-cafe': 'Café Ø' });

    const rows = [
      { municipality: '265', offerId: '265-o-hus', daysPerWeek: 2, grants: 3 },
      { municipality: '350', offerId: '350-o-cafe', daysPerWeek: 1, grants: 1 },
      { municipality: '265', offerId: '265-o-gone', daysPerWeek: 3, grants: 2 },
    ];
    const drawn = async (lang: 'da' | 'en') => {
      const chart = charts.find((c) => c.chart.id === 'days-by-offer')!.chart;
      const { spec } = compile({ ...drawnSpec(chart, lang, { standards, offers }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
      const view = new View(parse(spec), { renderer: 'none' });
      const svg = await view.toSVG();
      return { view, texts: [...svg.matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]!) };
    };
    const da = await drawn('da');
    expect(da.texts).toEqual(expect.arrayContaining(['Aktivitetshus (Roskilde)', 'Café Ø', 'Ukendt tilbud (265-o-gone)']));
    for (const id of ['265-o-hus', '350-o-cafe']) expect(da.texts).not.toContain(id);
    const tips = marks(da.view, 'rect').flatMap((m) => m.items.map((i) => (i as { tooltip?: Record<string, string> }).tooltip)).filter((x) => x !== undefined);
    expect(new Set(tips.map((x) => x.Tilbud))).toEqual(new Set(['Aktivitetshus (265-o-hus)', 'Café Ø (350-o-cafe)', 'Ukendt tilbud (265-o-gone)']));
    expect(new Set(tips.map((x) => x.Kommune))).toEqual(new Set(['Roskilde (265)', 'Lejre (350)']));
    expect((await drawn('en')).texts).toContain('Unknown offer (265-o-gone)');
    // top to bottom: Roskilde's offers by name, then Lejre's, then the offer never registered
    // (by id it would come second)
    const tops = Object.fromEntries(marks(da.view, 'rect').flatMap((m) => m.items as unknown as { y: number; datum: { offerId: string } }[]).map((i) => [i.datum.offerId, i.y]));
    expect(Object.keys(tops).sort((a, b) => tops[a]! - tops[b]!)).toEqual(['265-o-hus', '350-o-cafe', '265-o-gone']);
    // without the offers (none registered): the ids, as before
    const bare = compile({ ...drawnSpec(charts.find((c) => c.chart.id === 'days-by-offer')!.chart, 'da', { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never).spec;
    const bareTexts = [...(await new View(parse(bare), { renderer: 'none' }).toSVG()).matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]);
    expect(bareTexts).toEqual(expect.arrayContaining(['265-o-hus', '350-o-cafe', '265-o-gone']));

    // §82a names the offer before the date; the table gives name and id, an unknown offer as such
    const migration = compile({ ...drawnSpec(charts.find((c) => c.chart.id === 'migration')!.chart, 'da', { standards, offers }), width: 400,
      datasets: { rows: [{ municipality: '265', offerId: '265-o-a', effectiveDate: '2024-01-01', cohort: 2, continuedUnder82a: 2, movedTo104: 0, ended: 0, stillRecordedAs104: 0, medianGapDays: 0, lostAppealRoute: 2 }] },
      config: CHART_CONFIG } as never).spec;
    expect((await new View(parse(migration), { renderer: 'none' }).toSVG())).toContain('Klubben (265-o-a) · 1. Jan 2024');
    const html = renderDashboardPage(PAGES.find((p) => p.id === 'bevillinger')!, { lang: 'da', filters: { offer: '350-o-cafe' }, standards, offers });
    const config = JSON.parse(/<script type="application\/json" id="sel104-charts">(.*?)<\/script>/s.exec(html)![1]!) as
      { charts: { id: string; columns: { field: string; words?: Record<string, string>; unknown?: string }[] }[] };
    const column = config.charts.find((c) => c.id === 'days-by-offer')!.columns.find((c) => c.field === 'offerId')!;
    expect(column.words).toEqual({ '265-o-hus': 'Aktivitetshus (265-o-hus)', '350-o-hus': 'Aktivitetshus (350-o-hus)', '265-o-a': 'Klubben (265-o-a)', '265-o-b': 'Klubben (265-o-b)', '350-o-cafe': 'Café Ø (350-o-cafe)' });
    expect(column.unknown).toBe('Ukendt tilbud ({code})');
    // the filter: every offer by name, under its municipality, the chosen one selected
    expect(html).toContain('<optgroup label="Roskilde (265)"><option value="265-o-hus">Aktivitetshus</option><option value="265-o-a">Klubben (265-o-a)</option><option value="265-o-b">Klubben (265-o-b)</option></optgroup>');
    expect(html).toContain('<optgroup label="Lejre (350)"><option value="350-o-hus">Aktivitetshus</option><option value="350-o-cafe" selected>Café Ø</option></optgroup>');
  });

  it('the descriptions name the standards\' deadlines and who has none, from the standards shown', () => {
    const describe = (id: string, lang: 'da' | 'en', ctx: { standards: typeof standards; municipality?: string }) =>
      descriptionOf(charts.find((c) => c.chart.id === id)!.chart, lang, ctx);
    // standards/350.json: 20 weeks, then 12 from 2022-01-01; standards/265.json: no deadline
    expect(describe('curve', 'da', { standards })).toContain('(Lejre: 20 uger, 12 uger fra 01.01.2022). Roskilde har ingen frist.');
    expect(describe('curve', 'en', { standards })).toContain('(Lejre: 20 weeks, 12 weeks from 01/01/2022). Roskilde has no deadline.');
    expect(describe('curve', 'da', { standards, municipality: '350' })).not.toContain('Roskilde');
    expect(describe('curve', 'da', { standards, municipality: '265' })).not.toMatch(/Lejre|Stiplede/);
    // a third standard, of one version without a deadline, joins the list
    const lejre = standards.get('350')!;
    const third = { ...lejre, municipality: '999', name: 'Prøve Kommune — Kvalitetsstandard', versions: [{ ...lejre.versions[0]!, id: 'proeve', processingDeadlineWeeks: null }] };
    const three = new Map([...standards, ['999', third]]);
    for (const id of ['compliance', 'compliance-by-quarter', 'curve']) {
      expect(describe(id, 'da', { standards: three }), id).toMatch(/ Roskilde og Prøve har ingen frist\.$/);
      expect(describe(id, 'en', { standards: three }), id).toMatch(/ Roskilde and Prøve have no deadline\.$/);
      expect(describe(id, 'da', { standards: three, municipality: '350' }), id).not.toMatch(/ingen frist/);
    }
    // the follow-up interval and the absence threshold: both seeds hold 12 months and 30 %
    expect(describe('follow-up-overdue', 'da', { standards })).toContain('(12 måneder efter start');
    expect(describe('flags', 'da', { standards })).toContain('fravær på mindst 30 % (en tærskel fastsat lokalt, ikke i kvalitetsstandarden)');
    expect(describe('flags', 'en', { standards })).toContain('absence of at least 30% (a threshold set locally');
    // a standard that changed them is told per municipality and version
    const changed = { ...lejre, versions: [lejre.versions[0]!, { ...lejre.versions[1]!, followUpMonths: 6, absenceFlagPct: 25 }] };
    const mixed = new Map([...standards, ['350', changed]]);
    expect(describe('follow-up-overdue', 'da', { standards: mixed })).toContain('(Roskilde: 12 måneder; Lejre: 12 måneder, 6 måneder fra 01.01.2022 efter start');
    expect(describe('flags', 'en', { standards: mixed, municipality: '350' })).toContain('at least Lejre: 30%, 25% from 01/01/2022 (a threshold');
  });

  it('a standard\'s version goes by its id and the date it applies from, the earliest first: legends, tooltips, tables', async () => {
    // standards/350.json: lejre-old from 2019-01-01, lejre-2021 from 2022-01-01; the rows give the later first
    const rows = [
      { period: '2022-Q1', municipality: '350', standardVersion: 'lejre-2021', decided: 4, withinDeadline: 4, compliancePct: 100 },
      { period: '2022-Q1', municipality: '350', standardVersion: 'lejre-old', decided: 2, withinDeadline: 1, compliancePct: 50 },
    ];
    const expected = { da: ['lejre-old (fra 01.01.2019)', 'lejre-2021 (fra 01.01.2022)'], en: ['lejre-old (from 01/01/2019)', 'lejre-2021 (from 01/01/2022)'] };
    for (const lang of ['da', 'en'] as const) {
      const chart = charts.find((c) => c.chart.id === 'compliance-by-quarter')!.chart;
      const { spec } = compile({ ...drawnSpec(chart, lang, { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
      const view = new View(parse(spec), { renderer: 'none' });
      const texts = [...(await view.toSVG()).matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]!);
      // the legend lists both, in the order they applied
      expect(texts.filter((x) => x.startsWith('lejre-')), lang).toEqual(expected[lang]);
      // the version in force now is drawn solid, the old one dashed
      const dashes = Object.fromEntries(marks(view, 'line').map((m) => m.items[0] as { datum?: { standardVersion?: string }; strokeDash?: number[] })
        .filter((i) => i.datum?.standardVersion !== undefined).map((i) => [i.datum!.standardVersion!, i.strokeDash]));
      expect(dashes['lejre-2021'], lang).toEqual([1, 0]);
      expect(dashes['lejre-old']![1], lang).toBeGreaterThan(0);
      const tips = marks(view, 'symbol').flatMap((m) => m.items.map((i) => (i as { tooltip?: Record<string, string> }).tooltip)).filter((x) => x !== undefined);
      expect(tips.map((x) => x[lang === 'da' ? 'Kvalitetsstandard' : 'Quality standard']).sort(), lang).toEqual([...expected[lang]].sort());
      // the table alternative, on the processing-time page and the evidence sheet
      for (const [pageId, chartId] of [['sagsbehandlingstid', 'compliance-by-quarter'], ['kvalitetsstandard', 'evidence']]) {
        const html = renderDashboardPage(PAGES.find((p) => p.id === pageId)!, { lang, filters: {}, standards });
        const config = JSON.parse(/<script type="application\/json" id="sel104-charts">(.*?)<\/script>/s.exec(html)![1]!) as
          { charts: { id: string; columns: { field: string; words?: Record<string, string> }[] }[] };
        const words = config.charts.find((c) => c.id === chartId)!.columns.find((c) => c.field === 'standardVersion')!.words!;
        expect([words['lejre-old'], words['lejre-2021']], `${pageId} ${lang}`).toEqual(expected[lang]);
      }
    }
    // the evidence sheet's legend: Roskilde's one version, then Lejre's two in order
    const evidence = charts.find((c) => c.chart.id === 'evidence')!.chart;
    const sheet = [
      { municipality: '350', rule: 'processing_deadline', standardVersion: 'lejre-2021', value: '12 weeks', ifAppliedPct: 65, inForcePct: 88 },
      { municipality: '350', rule: 'processing_deadline', standardVersion: 'lejre-old', value: '20 weeks', ifAppliedPct: 94, inForcePct: 90 },
      { municipality: '265', rule: 'follow_up_interval', standardVersion: 'roskilde', value: '12 months', ifAppliedPct: 88, inForcePct: 88 },
    ];
    const { spec } = compile({ ...drawnSpec(evidence, 'da', { standards }), width: 400, datasets: { rows: sheet }, config: CHART_CONFIG } as never);
    const texts = [...(await new View(parse(spec), { renderer: 'none' }).toSVG()).matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]!);
    expect(texts.filter((x) => / \(fra /.test(x))).toEqual(['roskilde (fra 01.01.2019)', ...expected.da]);
  });

  it('the evidence sheet colours a version as its municipality, the earlier one darker, in order', async () => {
    const rows = [
      { municipality: '265', rule: 'follow_up_interval', standardVersion: 'roskilde', value: '12 months', ifAppliedPct: 88, inForcePct: 88 },
      { municipality: '350', rule: 'processing_deadline', standardVersion: 'lejre-old', value: '20 weeks', ifAppliedPct: 94, inForcePct: 90 },
      { municipality: '350', rule: 'processing_deadline', standardVersion: 'lejre-2021', value: '12 weeks', ifAppliedPct: 65, inForcePct: 88 },
    ];
    const chart = charts.find((c) => c.chart.id === 'evidence')!.chart;
    const { spec } = compile({ ...drawnSpec(chart, 'da', { standards }), width: 400, datasets: { rows }, config: CHART_CONFIG } as never);
    const view = new View(parse(spec), { renderer: 'none' });
    await view.runAsync();
    // the bars, and the ticks (share while in force, drawn as thin rects) in near-black on every bar
    const [bars, ticks] = marks(view, 'rect').map((m) => m.items as unknown as { y: number; width: number; fill: string; datum: { standardVersion: string } }[]);
    expect(ticks!.map((t) => t.fill)).toEqual(['#1a1a1a', '#1a1a1a', '#1a1a1a']);
    const fill = Object.fromEntries(bars!.map((b) => [b.datum.standardVersion, b.fill]));
    // Roskilde (265) and Lejre (350) as on every chart; lejre-old a third darker: #c4620a × 2/3
    expect(fill).toEqual({ roskilde: '#4c78a8', 'lejre-2021': '#c4620a', 'lejre-old': '#834107' });
    const y = Object.fromEntries(bars!.map((b) => [b.datum.standardVersion, b.y]));
    expect(y['lejre-old']).toBeLessThan(y['lejre-2021']!);
  });

  it('the evidence sheet gives each rule value in the page’s language, in the table and the tooltip', async () => {
    // The report's values are English; Lejre's standards hold 20 and 12 weeks, VUM group 3.
    const rows = [
      { municipality: '350', rule: 'processing_deadline', standardVersion: 'lejre-old', value: '20 weeks', ifAppliedPct: 90, inForcePct: 93 },
      { municipality: '350', rule: 'target_group_function_level', standardVersion: 'lejre-2021', value: 'VUM level 3 or higher', ifAppliedPct: 87, inForcePct: 95 },
      { municipality: '265', rule: 'target_group_age', standardVersion: 'roskilde', value: 'from 18 years, below pension age', ifAppliedPct: 97, inForcePct: 97 },
    ];
    const expected = {
      da: ['20 uger', 'VUM-gruppe 3 eller højere', 'fra 18 år, under folkepensionsalderen'],
      en: ['20 weeks', 'VUM level 3 or higher', 'from 18 years, below pension age'],
    };
    const page = PAGES.find((p) => p.id === 'kvalitetsstandard')!;
    for (const lang of ['da', 'en'] as const) {
      const { view, texts } = await draw('evidence', lang, rows);
      // the rule axis names the municipality (standards/350.json: "Lejre Kommune — …")
      expect(texts, lang).toContain(lang === 'da' ? 'Lejre · Sagsbehandlingsfrist' : 'Lejre · Processing deadline');
      expect(texts, lang).toContain(lang === 'da' ? 'Roskilde · Målgruppe: alder' : 'Roskilde · Target group: age');
      const tips = marks(view, 'rect').flatMap((m) => m.items.map((i) => (i as { tooltip?: Record<string, string> }).tooltip)).filter((x) => x !== undefined)
        .map((x) => x[lang === 'da' ? 'Værdi' : 'Value']);
      expect(tips.sort(), lang).toEqual([...expected[lang]].sort());
      // the table alternative: the page's words for the value column
      const html = renderDashboardPage(page, { lang, filters: {}, standards });
      const config = JSON.parse(/<script type="application\/json" id="sel104-charts">(.*?)<\/script>/s.exec(html)![1]!) as
        { charts: { id: string; columns: { field: string; words?: Record<string, string> }[] }[] };
      const words = config.charts.find((c) => c.id === 'evidence')!.columns.find((c) => c.field === 'value')!.words!;
      expect(rows.map((r) => words[r.value]), lang).toEqual(expected[lang]);
      expect(words['12 weeks'], lang).toBe(lang === 'da' ? '12 uger' : '12 weeks');
    }
  });

  for (const { page, chart } of charts) {
    for (const lang of ['da', 'en'] as const) {
      it(`${page}/${chart.id} (${lang}) is a valid Vega-Lite spec`, () => {
        // As the page serves it: with the shared config (the palette).
        const ok = validate({ ...chart.spec(lang, { standards }), config: CHART_CONFIG });
        expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      });
    }

    it(`${page}/${chart.id} reads a report of the catalogue, and its table and encodings name that report's columns`, () => {
      const def = findReport(chart.report);
      expect(def, chart.report).toBeDefined();
      const columns = new Set([...Object.keys(def!.columns), ...(chart.params?.by ? ['period'] : [])]);
      for (const c of chart.columns) expect(columns.has(c.field), c.field).toBe(true);
      for (const f of chart.drawsIf?.fields ?? []) expect(columns.has(f), f).toBe(true);
      const spec = chart.spec('da', { standards }) as { encoding?: Record<string, { field?: string }>; transform?: { as?: string | string[] }[] };
      // Fields the spec derives itself (fold, calculate) count as columns too.
      for (const tr of spec.transform ?? []) for (const name of [tr.as ?? []].flat()) columns.add(name);
      for (const [channel, enc] of Object.entries(spec.encoding ?? {})) {
        if (enc.field) expect(columns.has(enc.field), `${channel}: ${enc.field}`).toBe(true);
      }
      expect(chart.title.da).not.toEqual(chart.title.en);
      expect(descriptionOf(chart, 'da', { standards }).length).toBeGreaterThan(20);
    });
  }
});
