import type { TopLevelSpec } from 'vega-lite';
import { ruleValues } from '../reports/evidence.ts';
import type { RegisteredOffer } from '../reports/offers.ts';
import { DANISH_RULES } from '../schemas/danishRules.ts';
import type { Standard } from '../schemas/standard.ts';

/**
 * The dashboards: pages of Vega-Lite charts, each fed by one report of the API. A chart's spec
 * names its data `rows`; the page fills it with the report's JSON rows. Every chart has a title,
 * an accessible description and a table alternative (its columns below), in Danish and English.
 */
export type Lang = 'da' | 'en';
export type Text = Readonly<Record<Lang, string>>;

export interface Chart {
  id: string;
  report: string;
  /** Fixed report parameters (the page's filters are added to them). */
  params?: Readonly<Record<string, string>>;
  title: Text;
  /** What the chart shows, in words; from the standards where it names their facts (who has no deadline). */
  description: Text | ((ctx: ChartContext) => Text);
  /**
   * The table alternative's columns; `words`: what a code in that column says (the table shows
   * the words), or how to find it from the standards.
   */
  columns: readonly {
    field: string; label: Text; words?: Record<string, Text> | ((ctx: ChartContext) => Record<string, Text>);
    /**
     * The evidence sheet's wording: the standard's Danish quotes with the notes about them in
     * English. A Danish page shows the quotes only, and says so where the version has no such
     * rule or the standard does not state it (the English page shows the notes).
     */
    quotes?: true;
    /** On a Danish page, the column's text rewritten by the first pattern that matches (the dead letters' English rules). */
    danish?: readonly (readonly [RegExp, string])[];
  }[];
  /** A KPI tile: the field's value in the latest period, per municipality (Overblik). */
  kpi?: string;
  /**
   * Where a municipality has several rows in a period (one per version of its standard), the
   * tile's percentage over them all: sum of the first field over sum of the second, of the rows
   * with a value.
   */
  kpiRatio?: readonly [string, string];
  /** What the tile says for a municipality whose rows all lack `field` (Roskilde's standard has no deadline). */
  kpiWithout?: { field: string; text: Text };
  /** What the chart says without rows, where more can be said than that the filters hold none. */
  empty?: Text;
  /**
   * What a row needs to be drawn: a value in one of `fields` (with `nonZero`, one above 0). With
   * no such row, the chart says `empty` rather than draw an empty frame (deadline compliance of
   * Roskilde, whose standard has no deadline; a funnel of zeros); the table still lists the rows.
   */
  drawsIf?: { fields: readonly string[]; nonZero?: true };
  /** Show the table alternative open: the table is the content (the evidence sheet's wording). */
  tableOpen?: boolean;
  /** The table's rows in this order of a field's codes (the report's order within each); others last. */
  tableOrder?: { field: string; codes: readonly string[] };
  spec(lang: Lang, ctx: ChartContext): TopLevelSpec;
}

/**
 * What a spec may read besides its rows: the standards (the deadlines drawn as rules, the
 * municipalities' colours), the page's municipality filter and the offers registered in the log
 * (their names).
 */
export interface ChartContext {
  standards: ReadonlyMap<string, Standard>;
  municipality?: string;
  offers?: readonly RegisteredOffer[];
}

export interface Page {
  id: string;
  title: Text;
  charts: readonly Chart[];
}

const t = (da: string, en: string): Text => ({ da, en });
const col = (field: string, da: string, en: string) => ({ field, label: t(da, en) });

const L = {
  municipality: t('Kommune', 'Municipality'),
  period: t('Periode', 'Period'),
  month: t('Måned', 'Month'),
  quarter: t('Kvartal', 'Quarter'),
  year: t('År', 'Year'),
};

interface TrendOptions {
  /** A percentage: the axis runs 0–100 with one decimal; else a count, ticked at whole numbers. */
  pct?: boolean;
  /** What the periods are (quarters unless said otherwise). */
  periods?: Text;
  /** A second grouping within a municipality's line, drawn dashed (the standard's versions), with its own scale. */
  dash?: { field: string; label: Text; scale?: { domain: string[]; range: number[][] } };
}

/**
 * A line over periods, one per municipality (the colour every chart gives a municipality), or
 * one per municipality × `dash`. Rows without a value draw nothing: a version with no deadline
 * (Roskilde's) has no line and no legend entry.
 */
const trend = (field: string, label: Text, lang: Lang, { pct = false, periods = L.quarter, dash }: TrendOptions = {}): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  data: { name: 'rows' },
  width: 'container',
  height: 220,
  // With dash, lines and points are layers of their own, so that the dash legend draws lines
  // (a line mark with points gets a legend of filled circles, where every dash looks alike).
  ...(dash
    ? {
        transform: [{ filter: `datum.${field} != null` }],
        layer: [
          { mark: 'line', encoding: { strokeDash: { field: dash.field, type: 'nominal', title: dash.label[lang], ...(dash.scale ? { scale: dash.scale } : {}), legend: { symbolType: 'stroke', symbolStrokeColor: '#333', symbolStrokeWidth: 2 } } } },
          { mark: { type: 'point', filled: true, opacity: 1 }, encoding: { detail: { field: dash.field, type: 'nominal' } } },
        ],
      }
    : { mark: { type: 'line', point: true } }),
  encoding: {
    // years stand upright; quarters and months, many and longer, on end; where they would overlap
    // (28 quarters on a phone), every other one is left out until none do
    x: { field: 'period', type: 'ordinal', title: periods[lang], axis: { labelOverlap: true, ...(periods === L.year ? { labelAngle: 0 } : {}) } },
    y: { field, type: 'quantitative', title: label[lang], ...(pct ? { scale: { domain: [0, 100] } } : { axis: countAxis }) },
    color: { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
    tooltip: [
      { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
      ...(dash ? [{ field: dash.field, type: 'nominal' as const, title: dash.label[lang] }] : []),
      { field: 'period', type: 'ordinal', title: L.period[lang] },
      { field, type: 'quantitative', title: label[lang], format: pct ? ',.1f' : ',d' },
    ],
  },
});

const bars = (x: { field: string; label: Text; type?: 'ordinal' | 'nominal' }, y: { field: string; label: Text }, lang: Lang, color = 'municipality'): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  data: { name: 'rows' },
  width: 'container',
  height: 220,
  mark: 'bar',
  encoding: {
    x: { field: x.field, type: x.type ?? 'ordinal', title: x.label[lang], axis: { labelAngle: 0 } },
    xOffset: { field: color, type: 'nominal' },
    y: { field: y.field, type: 'quantitative', title: y.label[lang], axis: countAxis },
    color: { field: color, type: 'nominal', title: color === 'municipality' ? L.municipality[lang] : color },
    tooltip: [
      { field: color, type: 'nominal' },
      { field: x.field, type: x.type ?? 'ordinal', title: x.label[lang] },
      { field: y.field, type: 'quantitative', title: y.label[lang], format: ',d' },
    ],
  },
});

const byQuarter = { by: 'quarter' };

/** An axis of counts: whole numbers only (a handful of findings must not tick at 0,2). */
const countAxis = { tickMinStep: 1, format: ',d' };

/** Ticks of a log scale of counts: 1-2-5 per decade (Vega's own leave the small counts unmarked). */
const LOG_TICKS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

/** The data-quality checks (reports/sql/data-quality.sql) in words, in the report's order. */
const CHECK_LABELS: Record<string, Text> = {
  unknown_case: t('Ukendt sag', 'Unknown case'),
  unknown_offer: t('Ukendt tilbud', 'Unknown offer'),
  grant_days_outside_standard: t('Dage uden for standarden', 'Days outside the standard'),
  attendance_outside_service: t('Fremmøde uden for en ydelse', 'Attendance outside a service'),
  service_at_82a_offer: t('§ 104-ydelse ved § 82a-tilbud', '§ 104 service at a § 82a offer'),
  service_without_citizen: t('Ydelse uden borger', 'Service without a citizen'),
  application_before_standard: t('Ansøgning før standarden', 'Application before the standard'),
};

/** The work list's statuses (reports/sql/open-applications.sql) in words, the most urgent first. */
/** A dead letter's path `line`: the line as a whole (it is not valid JSON, empty, not UTF-8, too long). */
const LINE_PATH: Record<string, Text> = { line: t('hele linjen', 'the whole line') };

const STATUS_LABELS: Record<string, Text> = {
  overdue_without_notice: t('Overskredet, ikke orienteret', 'Overdue, not told'),
  overdue: t('Overskredet', 'Overdue'),
  at_risk: t('I risiko', 'At risk'),
  open: t('Inden for fristen', 'Within the deadline'),
  no_deadline: t('Ingen frist', 'No deadline'),
};

/** The evidence sheet's rules (reports/evidence.ts) in words. */
const RULE_LABELS: Record<string, Text> = {
  processing_deadline: t('Sagsbehandlingsfrist', 'Processing deadline'), days_per_week: t('Dage pr. uge', 'Days per week'),
  follow_up_interval: t('Opfølgning', 'Follow-up'), complaint_forwarding: t('Videresendelse af klager', 'Forwarding complaints'),
  target_group_age: t('Målgruppe: alder', 'Target group: age'), target_group_function_level: t('Målgruppe: VUM-niveau', 'Target group: VUM level'),
  action_plan: t('Handleplan', 'Action plan'), provider_approval: t('Godkendt leverandør', 'Approved provider'),
};

/** The evidence sheet's rule values (English in the report) in words of both languages. */
const valueWords = ({ standards }: ChartContext): Record<string, Text> =>
  Object.fromEntries(ruleValues(standards.values()).map((v) => [v.en, t(v.da, v.en)]));

/** A Vega expression giving the words for a field's code (the code itself if it has none). */
const wordsOf = (words: Readonly<Record<string, string>>, field: string, otherwise = `datum.${field}`): string =>
  `{${Object.entries(words).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}[datum.${field}] || ${otherwise}`;
const labelOf = (labels: Record<string, Text>, field: string, lang: Lang): string =>
  wordsOf(Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v[lang]])), field);

/** The offers a page shows: those of its municipality, or all. */
const offersShown = ({ offers = [], municipality }: ChartContext): readonly RegisteredOffer[] =>
  offers.filter((o) => !municipality || o.municipality === municipality);

/**
 * An offer on an axis: its registered name; where offers of several municipalities share a name
 * (another municipality's offer both buy places in), with the municipality's; the id if even that
 * is shared. An offer never registered keeps its id.
 */
export function offerAxisLabels(ctx: ChartContext): Record<string, string> {
  const offers = offersShown(ctx);
  const count = (key: (o: RegisteredOffer) => string) => {
    const n = new Map<string, number>();
    for (const o of offers) n.set(key(o), (n.get(key(o)) ?? 0) + 1);
    return (o: RegisteredOffer) => n.get(key(o))!;
  };
  const byName = count((o) => o.name);
  const byNameAndMunicipality = count((o) => `${o.name}\u0000${o.municipality}`);
  const municipalityName = (code: string) => { const s = ctx.standards.get(code); return s ? shortName(s) : code; };
  return Object.fromEntries(offers.map((o) => [o.offerId,
    byName(o) === 1 ? o.name : byNameAndMunicipality(o) === 1 ? `${o.name} (${municipalityName(o.municipality)})` : `${o.name} (${o.offerId})`]));
}

/** An offer the log has no registration of, as the council report names it (a table's `{code}`: its id). */
export const UNKNOWN_OFFER = t('Ukendt tilbud ({code})', 'Unknown offer ({code})');

/**
 * A Vega expression naming the offer in `datum[field]` by `words`; with offers known, one never
 * registered is named as such (without, every offer keeps its id).
 */
const offerExpr = (words: Record<string, string>, field: string, lang: Lang, ctx: ChartContext): string => {
  const [before, after] = UNKNOWN_OFFER[lang].split('{code}') as [string, string];
  return wordsOf(words, field, (ctx.offers?.length ?? 0) > 0 ? `${JSON.stringify(before)} + datum.${field} + ${JSON.stringify(after)}` : undefined);
};

/** An offer in a table or tooltip: its registered name and its id, as the CSV has it. */
export const offerWords = (ctx: ChartContext): Record<string, string> =>
  Object.fromEntries(offersShown(ctx).map((o) => [o.offerId, `${o.name} (${o.offerId})`]));

/** A municipality in a table, legend or tooltip: "Roskilde (265)". */
export const municipalityWords = ({ standards }: ChartContext): Record<string, string> =>
  Object.fromEntries([...standards.values()].map((s) => [s.municipality, `${shortName(s)} (${s.municipality})`]));

/**
 * A version of a standard in a table, legend or tooltip, as the council report names it: its id
 * and the date from which applications fall under it, "lejre-2021 (fra 01.01.2022)".
 */
export const versionWords = ({ standards }: ChartContext, lang: Lang): Record<string, string> =>
  Object.fromEntries([...standards.values()].flatMap((s) => s.versions.map((v) => [v.id, `${v.id} (${t('fra', 'from')[lang]} ${dateWords(v.effectiveFrom, lang)})`])));

/**
 * The dashes of the versions with a deadline (the others draw no line): the latest of each
 * standard solid, each earlier one with longer gaps; in the order they applied.
 */
const deadlineDashes = (ctx: ChartContext): { domain: string[]; range: number[][] } => {
  const versions = standardsShown(ctx).flatMap((s) => {
    // (a standard's versions are in the order they applied: schemas/standard.ts checks it)
    const set = s.versions.filter((v) => v.processingDeadlineWeeks !== null);
    return set.map((v, i) => ({ id: v.id, dash: i === set.length - 1 ? [1, 0] : [4 + 2 * (set.length - 2 - i), 3 + 2 * (set.length - 2 - i)] }));
  });
  return { domain: versions.map((v) => v.id), range: versions.map((v) => v.dash) };
};

/** The versions of the standards in order: by municipality, the earliest first. */
const versionOrder = ({ standards }: ChartContext): string[] =>
  [...standards.values()].sort((a, b) => a.municipality.localeCompare(b.municipality)).flatMap((s) => s.versions.map((v) => v.id));

/** What a chart of deadline compliance says where no decision had a deadline (Roskilde's standard has none). */
const NO_DEADLINE_DECISIONS = t('Ingen afgørelser med en sagsbehandlingsfrist for de valgte filtre.', 'No decisions with a processing deadline for the chosen filters.');

/** What a chart of the omgørelsesprocent says where Ankestyrelsen decided no complaint on its merits. */
const NO_APPEALS = t('Ingen klager realitetsbehandlet af Ankestyrelsen i perioden.', 'No complaints decided on their merits by Ankestyrelsen in the period.');

/** A chart's description in the page's language, with the standards' facts it names. */
export const descriptionOf = (chart: Chart, lang: Lang, ctx: ChartContext): string =>
  (typeof chart.description === 'function' ? chart.description(ctx) : chart.description)[lang];

/** The standards a page shows: the chosen municipality's, or all (by code). */
const standardsShown = ({ standards, municipality }: ChartContext): Standard[] =>
  [...standards.values()].filter((s) => !municipality || s.municipality === municipality).sort((a, b) => a.municipality.localeCompare(b.municipality));

/** "A", "A og B", "A, B og C" */
const listed = (names: readonly string[], lang: Lang): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} ${t('og', 'and')[lang]} ${names.at(-1)}`;

/** " Roskilde har ingen frist.": the shown municipalities whose standard sets no deadline in any version (else nothing). */
const noDeadline = (ctx: ChartContext): Text => {
  const names = standardsShown(ctx).filter((s) => s.versions.every((v) => v.processingDeadlineWeeks === null)).map(shortName);
  if (names.length === 0) return t('', '');
  return t(` ${listed(names, 'da')} har ingen frist.`, ` ${listed(names, 'en')} ${names.length === 1 ? 'has' : 'have'} no deadline.`);
};

/**
 * A rule value of the standards shown, with its unit: "12 måneder" where every version of them
 * holds the same, else per municipality, as its versions changed it ("Roskilde: 12 måneder;
 * Lejre: 12 måneder, 6 måneder fra 01.01.2022").
 */
const ruleInWords = (ctx: ChartContext, lang: Lang, value: (v: Standard['versions'][number]) => number, unit: Text): string => {
  const shown = standardsShown(ctx);
  const withUnit = (n: number) => (unit.en === '%' && lang === 'en' ? `${n}%` : `${n} ${unit[lang]}`);
  const values = new Set(shown.flatMap((s) => s.versions.map(value)));
  if (values.size <= 1) return values.size === 0 ? '–' : withUnit([...values][0]!);
  return shown.map((s) => {
    const changes = s.versions.filter((v, i) => i === 0 || value(v) !== value(s.versions[i - 1]!));
    return `${shortName(s)}: ${changes.map((v, i) => `${withUnit(value(v))}${i > 0 ? ` ${t('fra', 'from')[lang]} ${dateWords(v.effectiveFrom, lang)}` : ''}`).join(', ')}`;
  }).join('; ');
};

/** A date as the tables write it: 01.01.2022 (da), 01/01/2022 (en). */
const dateWords = (iso: string, lang: Lang): string => {
  const [y, m, d] = iso.split('-');
  return lang === 'da' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
};

/** "Lejre: 20 uger, 12 uger fra 01.01.2022": each shown standard's deadlines, as its versions changed them. */
const deadlinesInWords = (ctx: ChartContext, lang: Lang): string =>
  standardsShown(ctx).flatMap((s) => {
    const set = s.versions.filter((v) => v.processingDeadlineWeeks !== null);
    if (set.length === 0) return [];
    const weeks = set.map((v, i) => `${v.processingDeadlineWeeks} ${t('uger', 'weeks')[lang]}${i > 0 || v !== s.versions[0] ? ` ${t('fra', 'from')[lang]} ${dateWords(v.effectiveFrom, lang)}` : ''}`);
    return [`${shortName(s)}: ${weeks.join(', ')}`];
  }).join('; ');

/** A time axis's ticks (a Vega expression on the x scale): months over up to a year, quarters up to two, else years. */
const DAY_MS = 24 * 3600 * 1000;
const TICKS_BY_SPAN = `span(domain('x')) <= ${366 * DAY_MS} ? {interval: 'month', step: 1} : span(domain('x')) <= ${2 * 366 * DAY_MS} ? {interval: 'month', step: 3} : {interval: 'year', step: 1}`;

/** The VUM level axis: cases with no assessment come as null, labelled in words. */
const levelAxis = (lang: Lang) => ({ labelAngle: 0, labelExpr: `datum.label === 'null' ? '${t('ingen VUM', 'no VUM')[lang]}' : datum.label` });

/**
 * Vega-Lite's category colours, darkened so that every line, point and bar keeps at least 4:1
 * contrast with the white page (WCAG 1.4.11 asks 3:1); Vega's own orange has 2.6:1. Ordered
 * categories (days per week) take 'plasma' from coral (few days) to indigo (many): its yellow end
 * is below 3:1, and the darker half of 'blues' (used before) made neighbours hard to tell apart
 * (CIE76 ΔE about 6 between neighbours; here 13 or more).
 */
export const CHART_CONFIG = {
  // No generated ARIA labels on marks and guides: Vega writes them in English with field names and
  // codes ("municipality: 350; standardVersion: lejre-2021", "X-axis titled …"). A chart is named
  // by its heading and described by its own words (the spec's description), and its table is the
  // accessible form of its data.
  aria: false,
  mark: { aria: false },
  range: {
    category: ['#4c78a8', '#c4620a', '#d1423f', '#3b8783', '#448a3b', '#937400', '#a0628f', '#c85579', '#9d755d', '#767676'],
    ordinal: { scheme: 'plasma', extent: [0.72, 0] },
  },
} as const;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A municipality as its standard names it, short: "Roskilde" of "Roskilde Kommune — Kvalitetsstandard …". */
export const shortName = (s: Standard): string => (s.name.split(' — ')[0] ?? '').replace(/ Kommune$/, '');

/**
 * A chart as a page draws it:
 * - every encoding coloured by municipality takes the municipality's own colour, the same on every
 *   chart and page (its place among the standards' municipalities in the category palette),
 *   whether or not the others are in the rows or the filter; its legend and column headers name
 *   it ("Roskilde (265)");
 * - an axis of offers names them, in the order of their names;
 * - a tooltip shows an offer or a municipality as the tables do.
 */
export function drawnSpec(chart: Chart, lang: Lang, ctx: ChartContext): TopLevelSpec {
  const all = [...ctx.standards.keys()].sort();
  // the legend names each municipality as the tables and tiles do: "Roskilde (265)"
  const names = municipalityWords(ctx);
  const shown = ctx.municipality && all.includes(ctx.municipality) ? [ctx.municipality] : all;
  const palette = CHART_CONFIG.range.category;
  const scale = { domain: shown, range: shown.map((m) => palette[all.indexOf(m) % palette.length]!) };
  const versions = versionWords(ctx, lang);
  const offerLabels = offerAxisLabels(ctx);
  const offerAxis = offerExpr(offerLabels, 'value', lang, ctx);
  const offerOrder = offersShown(ctx).map((o) => [o.municipality, offerLabels[o.offerId]!, o.offerId] as const)
    .sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1], 'da') || a[2].localeCompare(b[2])).map(([, , id]) => id);
  const tooltipWords: Record<string, { expr: (field: string) => string; title: Text }> = {
    offerId: { expr: (field) => offerExpr(offerWords(ctx), field, lang, ctx), title: t('Tilbud', 'Offer') },
    municipality: { expr: (field) => wordsOf(names, field), title: t('Kommune', 'Municipality') },
    standardVersion: { expr: (field) => wordsOf(versions, field), title: t('Kvalitetsstandard', 'Quality standard') },
  };
  type Channel = { field?: string; title?: unknown; sort?: unknown; scale?: object; legend?: object | null; axis?: object | null; header?: object };
  const dress = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(dress);
    if (node === null || typeof node !== 'object') return node;
    const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, dress(v)])) as Record<string, unknown>;
    const enc = out.encoding as Record<string, Channel | Channel[] | undefined> | undefined;
    if (!enc) return out;
    const next: Record<string, unknown> = { ...enc };
    const color = enc.color as Channel | undefined;
    if (color?.field === 'municipality') {
      const legend = color.legend === null ? null : { ...color.legend, labelExpr: wordsOf(names, 'label') };
      next.color = { ...color, scale: { ...color.scale, ...scale }, legend };
    }
    // a legend of the standards' versions names them with their dates, the earliest first
    for (const channel of ['color', 'strokeDash'] as const) {
      const c = enc[channel] as Channel | undefined;
      if (c?.field !== 'standardVersion' || c.legend === null) continue;
      const ordered = c.sort !== undefined || (c.scale as { domain?: unknown } | undefined)?.domain !== undefined;
      next[channel] = { ...c, ...(ordered ? {} : { sort: versionOrder(ctx) }), legend: { labelLimit: 240, ...c.legend, labelExpr: wordsOf(versions, 'label') } };
    }
    // a column per municipality (days by VUM level) is headed by its name
    const column = enc.column as Channel | undefined;
    if (column?.field === 'municipality') {
      // (datum.value: Vega-Lite rewrites datum.label in a header without parentheses)
      next.column = { ...column, header: { ...column.header, labelExpr: wordsOf(names, 'value') } };
    }
    for (const axis of ['x', 'y'] as const) {
      const c = enc[axis] as Channel | undefined;
      // (in the order of the names within each municipality; offers never registered after them)
      if (c?.field === 'offerId' && c.axis !== null) next[axis] = { ...c, ...(c.sort === undefined && offerOrder.length > 0 ? { sort: offerOrder } : {}), axis: { labelLimit: 280, ...c.axis, labelExpr: offerAxis } };
    }
    // tooltips: the code's words, calculated in this view (after its own transforms)
    const calculated: object[] = [];
    if (Array.isArray(enc.tooltip)) {
      next.tooltip = enc.tooltip.map((item) => {
        const named = item.field !== undefined ? tooltipWords[item.field] : undefined;
        if (!named || item.field === undefined) return item;
        const as = `${item.field}Words`;
        if (!calculated.some((c) => (c as { as: string }).as === as)) calculated.push({ calculate: named.expr(item.field), as });
        return { ...item, field: as, title: item.title ?? named.title[lang] };
      });
    }
    out.encoding = next;
    if (calculated.length > 0) out.transform = [...((out.transform as object[] | undefined) ?? []), ...calculated];
    return out;
  };
  return dress(chart.spec(lang, ctx)) as TopLevelSpec;
}

/**
 * Bars of several count fields of one row set, folded into steps (the complaint funnel, the §82a
 * classes). With `log`, a symmetric log scale: a first step of hundreds beside steps of a few.
 */
const folded = (fields: readonly { field: string; label: Text }[], lang: Lang, row: { field: string; label: Text }, y: Text, { log = false } = {}): TopLevelSpec => ({
  $schema: SCHEMA,
  data: { name: 'rows' },
  width: 'container',
  height: 240,
  transform: [
    { fold: fields.map((f) => f.field), as: ['step', 'count'] },
    { calculate: labelOf(Object.fromEntries(fields.map((f) => [f.field, f.label])), 'step', lang), as: 'stepLabel' },
  ],
  mark: 'bar',
  encoding: {
    // upright, a word a line ("Delvist / fastholdt")
    x: { field: 'stepLabel', type: 'nominal', sort: fields.map((f) => f.label[lang]), title: null, axis: { labelAngle: 0, labelExpr: "split(datum.label, ' ')" } },
    xOffset: { field: row.field, type: 'nominal' },
    y: {
      field: 'count', type: 'quantitative',
      ...(log
        ? { scale: { type: 'symlog' as const }, axis: { ...countAxis, values: LOG_TICKS }, title: `${y[lang]} (${t('logaritmisk skala', 'log scale')[lang]})` }
        : { axis: countAxis, title: y[lang] }),
    },
    color: { field: row.field, type: 'nominal', title: row.label[lang] },
    tooltip: [{ field: row.field, type: 'nominal', title: row.label[lang] }, { field: 'stepLabel', type: 'nominal', title: t('Trin', 'Step')[lang] }, { field: 'count', type: 'quantitative', title: y[lang], format: ',d' }],
  },
});

/** The complaint funnel's steps, from the decisions to Ankestyrelsen's outcomes. */
const FUNNEL_STEPS = [
  { field: 'decisions', label: t('Afgørelser', 'Decisions') },
  { field: 'complaints', label: t('Klager', 'Complaints') },
  { field: 'fullReversal', label: t('Omgjort', 'Reversed') },
  { field: 'partial', label: t('Delvist fastholdt', 'Partly maintained') },
  { field: 'maintained', label: t('Fastholdt', 'Maintained') },
  { field: 'forwarded', label: t('Videresendt', 'Forwarded') },
  { field: 'upheld', label: t('Stadfæstet', 'Upheld') },
  { field: 'changedOrAnnulled', label: t('Ændret/ophævet', 'Changed/annulled') },
  { field: 'remitted', label: t('Hjemvist', 'Remitted') },
  { field: 'dismissed', label: t('Afvist', 'Dismissed') },
] as const;

/** Where the §82a cohort went, in the report's order (domain.md metric 9). */
const MIGRATION_STEPS = [
  { field: 'continuedUnder82a', label: t('Fortsat under § 82a', 'Continued under § 82a') },
  { field: 'movedTo104', label: t('Andet § 104-tilbud', 'Another § 104 offer') },
  { field: 'ended', label: t('Stoppet', 'Ended') },
  { field: 'stillRecordedAs104', label: t('Stadig registreret § 104', 'Still recorded § 104') },
] as const;

/**
 * The §82a migration as a flow: per offer and date of the change, one bar of the whole cohort split
 * into where its citizens went, with the median gap (days without service between the last §104
 * day and the next start) under the offer's name.
 */
const migrationFlow = (lang: Lang, ctx: ChartContext): TopLevelSpec => {
  const days = t('dage', 'days')[lang];
  const gap = t('median pause', 'median gap')[lang];
  const step = { field: 'stepLabel', type: 'nominal' as const, title: t('Forløb', 'Outcome')[lang], sort: MIGRATION_STEPS.map((f) => f.label[lang]), legend: { labelLimit: 240 } };
  return {
    $schema: SCHEMA,
    data: { name: 'rows' },
    width: 'container',
    height: { step: 56 },
    transform: [
      // "Klubben · 1. aug. 2023|median pause 3 dage": two lines on the axis
      { calculate: `utcFormat(toDate(datum.effectiveDate), '${lang === 'da' ? '%-d. %b %Y' : '%-d %b %Y'}')`, as: 'changedOn' },
      { calculate: `(${offerExpr(offerAxisLabels(ctx), 'offerId', lang, ctx)}) + ' · ' + datum.changedOn + (datum.medianGapDays == null ? '' : '|${gap} ' + format(datum.medianGapDays, ',d') + ' ${days}')`, as: 'change' },
      { fold: MIGRATION_STEPS.map((f) => f.field), as: ['step', 'count'] },
      { calculate: labelOf(Object.fromEntries(MIGRATION_STEPS.map((f) => [f.field, f.label])), 'step', lang), as: 'stepLabel' },
      { calculate: `indexof(${JSON.stringify(MIGRATION_STEPS.map((f) => f.field))}, datum.step)`, as: 'stepOrder' },
      { calculate: 'datum.cohort > 0 ? datum.count / datum.cohort : null', as: 'share' },
      { stack: 'count', groupby: ['change'], sort: [{ field: 'stepOrder' }], as: ['from', 'to'] },
      // the share written in its segment where it has room (a tenth of the cohort or more)
      { calculate: `datum.share >= 0.1 ? format(100 * datum.share, ',.0f') + '${lang === 'da' ? ' %' : '%'}' : ''`, as: 'shareText' },
      { calculate: '(datum.from + datum.to) / 2', as: 'middle' },
    ],
    encoding: {
      y: { field: 'change', type: 'nominal', title: null, axis: { labelExpr: "split(datum.value, '|')", labelLimit: 320 } },
      tooltip: [
        { field: 'offerId', type: 'nominal', title: t('Tilbud', 'Offer')[lang] },
        { field: 'changedOn', type: 'nominal', title: t('Skiftedato', 'Date of the change')[lang] },
        { field: 'stepLabel', type: 'nominal', title: step.title },
        { field: 'count', type: 'quantitative', title: t('Borgere', 'Citizens')[lang], format: ',d' },
        { field: 'share', type: 'quantitative', title: t('Andel af kohorten', 'Share of the cohort')[lang], format: '.1%' },
        { field: 'medianGapDays', type: 'quantitative', title: t('Median pause (dage)', 'Median gap (days)')[lang], format: ',d' },
      ],
    },
    layer: [
      {
        mark: 'bar',
        encoding: { x: { field: 'from', type: 'quantitative', axis: countAxis, title: t('Borgere', 'Citizens')[lang] }, x2: { field: 'to' }, color: step },
      },
      {
        mark: { type: 'text', color: 'white', fontWeight: 'bold' },
        encoding: { x: { field: 'middle', type: 'quantitative' }, text: { field: 'shareText' } },
      },
    ],
  } as TopLevelSpec;
};

/** A line of text on the curve's 260 px high y scale of 0–100 %: 7 % is 18 px. */
const LABEL_LINE_PCT = 7;

/** The revision evidence: share decided within w weeks, with every deadline of the standards as a rule. */
const curve = (lang: Lang, ctx: ChartContext): TopLevelSpec => {
  const { standards, municipality } = ctx;
  const versions = versionWords(ctx, lang);
  // the chosen municipality's deadlines (all, without a choice), each labelled "Lejre: 12 uger"
  // above the plot, a line each from the shortest up, so that deadlines a few weeks apart on a
  // narrow chart do not write over each other
  const deadlines = [...standards.values()].filter((s) => !municipality || s.municipality === municipality).flatMap((s) =>
    s.versions.filter((v) => v.processingDeadlineWeeks !== null).map((v) => ({
      municipality: s.municipality, version: versions[v.id], weeks: v.processingDeadlineWeeks!,
      label: `${shortName(s)}: ${v.processingDeadlineWeeks} ${t('uger', 'weeks')[lang]}`,
    })))
    .sort((a, b) => a.weeks - b.weeks)
    .map((d, i) => ({ ...d, labelAt: 100 + LABEL_LINE_PCT * i }));
  // (the labels' layer shares the y axis: its title is the axis' title too, or the axis has none)
  const share = t('Afgjort inden for (%)', 'Decided within (%)')[lang];
  return {
    $schema: SCHEMA,
    width: 'container',
    height: 260,
    layer: [
      {
        data: { name: 'rows' },
        mark: { type: 'line' },
        encoding: {
          x: { field: 'weeks', type: 'quantitative', title: t('Uger fra ansøgning til afgørelse', 'Weeks from application to decision')[lang], scale: { domain: [0, 52], nice: false } },
          y: { field: 'sharePct', type: 'quantitative', title: share, scale: { domain: [0, 100] } },
          color: { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
          tooltip: [
            { field: 'municipality', type: 'nominal', title: L.municipality[lang] }, { field: 'weeks', type: 'quantitative', title: t('Uger', 'Weeks')[lang] },
            { field: 'sharePct', type: 'quantitative', title: t('Afgjort inden for (%)', 'Decided within (%)')[lang], format: ',.1f' },
          ],
        },
      },
      {
        data: { values: deadlines },
        mark: { type: 'rule', strokeDash: [4, 4] },
        encoding: {
          x: { field: 'weeks', type: 'quantitative' },
          color: { field: 'municipality', type: 'nominal' },
          tooltip: [
            { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
            { field: 'version', type: 'nominal', title: t('Kvalitetsstandard', 'Quality standard')[lang] }, { field: 'weeks', type: 'quantitative', title: t('Frist (uger)', 'Deadline (weeks)')[lang] },
          ],
        },
      },
      {
        data: { values: deadlines },
        mark: { type: 'text', align: 'left', dx: 3, dy: -4, baseline: 'bottom' },
        encoding: { x: { field: 'weeks', type: 'quantitative' }, y: { field: 'labelAt', type: 'quantitative', title: share, scale: { domain: [0, 100] } }, text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
};

/** A colour `#rrggbb` darkened towards black by `by` (0–1). */
const darker = (hex: string, by: number): string =>
  `#${[1, 3, 5].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * (1 - by)).toString(16).padStart(2, '0')).join('')}`;

/**
 * Colours of the versions of standards: the latest version of each in its municipality's colour (as
 * on every chart), each earlier one a third darker than the next.
 */
export function versionColours(standards: ReadonlyMap<string, Standard>, shown: readonly Standard[]): { domain: string[]; range: string[] } {
  const all = [...standards.keys()].sort();
  const palette = CHART_CONFIG.range.category;
  const pairs = shown.flatMap((s) => s.versions.map((v, i) => [v.id, darker(palette[all.indexOf(s.municipality) % palette.length]!, Math.min(0.8, (s.versions.length - 1 - i) / 3))] as const));
  return { domain: pairs.map(([id]) => id), range: pairs.map(([, c]) => c) };
}

export const PAGES: readonly Page[] = [
  {
    id: 'overblik',
    title: t('Overblik', 'Overview'),
    charts: [
      {
        id: 'applications', kpi: 'applications', report: 'volume', params: byQuarter,
        title: t('Ansøgninger pr. kvartal', 'Applications by quarter'),
        description: t('Antal modtagne ansøgninger pr. kvartal og kommune.', 'Applications received per quarter and municipality.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('applications', 'Ansøgninger', 'Applications'), col('decisions', 'Afgørelser', 'Decisions'), col('grantsInEffect', 'Bevillinger i kraft', 'Grants in effect')],
        spec: (lang) => trend('applications', t('Ansøgninger', 'Applications'), lang),
      },
      {
        id: 'decisions', kpi: 'decisions', report: 'volume', params: byQuarter,
        title: t('Afgørelser pr. kvartal', 'Decisions by quarter'),
        description: t('Antal afgørelser om § 104-tilbud pr. kvartal og kommune: bevilget, delvist bevilget og afslag.', 'Decisions on § 104 offers per quarter and municipality: granted, partly granted and rejected.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('decisions', 'Afgørelser', 'Decisions'), col('granted', 'Bevilget', 'Granted'), col('partlyGranted', 'Delvist bevilget', 'Partly granted'), col('rejected', 'Afslag', 'Rejected')],
        spec: (lang) => trend('decisions', t('Afgørelser', 'Decisions'), lang),
      },
      {
        id: 'grants-in-effect', kpi: 'grantsInEffect', report: 'volume', params: byQuarter,
        title: t('Bevillinger i kraft ved kvartalets udgang', 'Grants in effect at the end of each quarter'),
        description: t('Antal bevillinger i kraft på kvartalets sidste dag.', 'Grants in effect on the last day of each quarter.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('grantsInEffect', 'Bevillinger i kraft', 'Grants in effect')],
        spec: (lang) => trend('grantsInEffect', t('Bevillinger i kraft', 'Grants in effect'), lang),
      },
      {
        id: 'compliance', kpi: 'compliancePct', drawsIf: { fields: ['compliancePct'] }, empty: NO_DEADLINE_DECISIONS, kpiRatio: ['withinDeadline', 'decided'], kpiWithout: { field: 'deadlineWeeks', text: t('ingen frist', 'no deadline') }, report: 'processing-time', params: byQuarter,
        title: t('Afgørelser inden for fristen', 'Decisions within the deadline'),
        description: (ctx) => {
          const without = noDeadline(ctx);
          return t(`Andel af afgørelser truffet inden for den sagsbehandlingsfrist, der gjaldt da ansøgningen blev modtaget.${without.da}`, `Share of decisions within the deadline in force when the application was received.${without.en}`);
        },
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('standardVersion', 'Standard', 'Standard'), col('decided', 'Afgjort', 'Decided'), col('withinDeadline', 'Inden for frist', 'Within'), col('compliancePct', 'Inden for frist (%)', 'Within deadline (%)')],
        spec: (lang, ctx) => trend('compliancePct', t('Inden for frist (%)', 'Within deadline (%)'), lang, { pct: true, dash: { field: 'standardVersion', label: t('Kvalitetsstandard', 'Quality standard'), scale: deadlineDashes(ctx) } }),
      },
      {
        id: 'reversal', kpi: 'reversalRatePct', report: 'complaints', params: { by: 'year' }, drawsIf: { fields: ['reversalRatePct'] }, empty: NO_APPEALS,
        title: t('Omgørelsesprocent', 'Reversal rate (omgørelsesprocent)'),
        description: t('Hjemviste og ændrede/ophævede sager i procent af Ankestyrelsens realitetsbehandlede sager; afviste sager indgår ikke.', 'Remitted and changed or annulled cases as a share of the appeals Ankestyrelsen examined; dismissed cases are left out.'),
        columns: [col('period', 'År', 'Year'), col('municipality', 'Kommune', 'Municipality'), col('upheld', 'Stadfæstet', 'Upheld'), col('changedOrAnnulled', 'Ændret/ophævet', 'Changed/annulled'), col('remitted', 'Hjemvist', 'Remitted'), col('reversalRatePct', 'Omgørelsesprocent', 'Reversal rate (%)')],
        spec: (lang) => trend('reversalRatePct', t('Omgørelsesprocent', 'Reversal rate (%)'), lang, { pct: true, periods: L.year }),
      },
      {
        id: 'overdue-follow-ups', kpi: 'overdue', report: 'follow-up', params: byQuarter,
        title: t('Overskredne opfølgninger', 'Overdue follow-ups'),
        description: t('Bevillinger i kraft, hvis næste opfølgning var forfalden ved kvartalets udgang.', 'Grants in effect whose next follow-up was overdue at the end of each quarter.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('activeGrants', 'Bevillinger i kraft', 'Grants in effect'), col('overdue', 'Overskredet', 'Overdue')],
        spec: (lang) => trend('overdue', t('Overskredne opfølgninger', 'Overdue follow-ups'), lang),
      },
    ],
  },
  {
    id: 'bevillinger',
    title: t('Bevillinger', 'Grants'),
    charts: [
      {
        id: 'days-per-week', report: 'days-per-week',
        title: t('Dage pr. uge i bevillinger i kraft', 'Days per week of the grants in effect'),
        description: t('Bevillinger i kraft på datoen fordelt på 1–5 dage om ugen.', 'Grants in effect on the date, by 1–5 days a week.'),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('daysPerWeek', 'Dage pr. uge', 'Days per week'), col('grants', 'Bevillinger', 'Grants')],
        spec: (lang) => bars({ field: 'daysPerWeek', label: t('Dage pr. uge', 'Days per week') }, { field: 'grants', label: t('Bevillinger', 'Grants') }, lang),
      },
      {
        id: 'days-by-offer', report: 'days-per-week-by-offer',
        title: t('Dage pr. uge pr. tilbud', 'Days per week by offer'),
        description: t('Bevillinger i kraft på datoen pr. tilbud, delt på dage om ugen.', 'Grants in effect on the date by offer, split by days a week.'),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('offerId', 'Tilbud', 'Offer'), col('daysPerWeek', 'Dage pr. uge', 'Days per week'), col('grants', 'Bevillinger', 'Grants')],
        spec: (lang) => ({
          $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: 260, mark: 'bar',
          encoding: {
            y: { field: 'offerId', type: 'nominal', title: t('Tilbud', 'Offer')[lang] },
            x: { field: 'grants', type: 'quantitative', title: t('Bevillinger', 'Grants')[lang], axis: countAxis },
            color: { field: 'daysPerWeek', type: 'ordinal', title: t('Dage pr. uge', 'Days per week')[lang] },
            tooltip: [
              { field: 'offerId', type: 'nominal', title: t('Tilbud', 'Offer')[lang] }, { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
              { field: 'daysPerWeek', type: 'ordinal', title: t('Dage pr. uge', 'Days per week')[lang] }, { field: 'grants', type: 'quantitative', title: t('Bevillinger', 'Grants')[lang], format: ',d' },
            ],
          },
        }),
      },
      {
        id: 'days-by-level', report: 'days-per-week-by-level',
        title: t('Dage pr. uge efter funktionsniveau (VUM)', 'Days per week by function level (VUM)'),
        description: t('Bevillinger i kraft på datoen efter seneste VUM-funktionsniveau (0 ikke nedsat – 4 fuldstændig nedsat) og dage om ugen.', 'Grants in effect on the date by the latest VUM function level (0 not reduced – 4 completely reduced) and days a week.'),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('functionLevel', 'Funktionsniveau', 'Function level'), col('daysPerWeek', 'Dage pr. uge', 'Days per week'), col('grants', 'Bevillinger', 'Grants')],
        spec: (lang) => ({
          // a column per municipality: a faceted chart cannot take the container's width, so each has its own
          $schema: SCHEMA, data: { name: 'rows' }, width: 320, height: 240, mark: 'bar',
          encoding: {
            x: { field: 'functionLevel', type: 'ordinal', title: t('Funktionsniveau', 'Function level')[lang], axis: levelAxis(lang) },
            y: { field: 'grants', type: 'quantitative', title: t('Bevillinger', 'Grants')[lang], axis: countAxis },
            color: { field: 'daysPerWeek', type: 'ordinal', title: t('Dage pr. uge', 'Days per week')[lang] },
            column: { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
            tooltip: [
              { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
              { field: 'functionLevel', type: 'ordinal', title: t('Funktionsniveau', 'Function level')[lang] },
              { field: 'daysPerWeek', type: 'ordinal', title: t('Dage pr. uge', 'Days per week')[lang] }, { field: 'grants', type: 'quantitative', title: t('Bevillinger', 'Grants')[lang], format: ',d' },
            ],
          },
        }),
      },
      {
        id: 'days-by-offer-level', report: 'days-per-week-by-offer-level',
        title: t('Dage pr. uge efter tilbud og funktionsniveau', 'Days per week by offer and function level'),
        description: t(
          'Bevillinger i kraft på datoen for hvert tilbud og VUM-funktionsniveau: farven er det gennemsnitlige antal dage om ugen, tallet antallet af bevillinger.',
          'Grants in effect on the date for each offer and VUM function level: the colour is the mean days per week, the number the count of grants.',
        ),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('offerId', 'Tilbud', 'Offer'), col('functionLevel', 'Funktionsniveau', 'Function level'), col('daysPerWeek', 'Dage pr. uge', 'Days per week'), col('grants', 'Bevillinger', 'Grants')],
        spec: (lang) => {
          const level = { field: 'functionLevel', type: 'ordinal' as const, title: t('Funktionsniveau', 'Function level')[lang] };
          const levelX = { ...level, axis: levelAxis(lang) };
          const offer = { field: 'offerId', type: 'nominal' as const, title: t('Tilbud', 'Offer')[lang] };
          const grants = { field: 'grants', type: 'quantitative' as const, title: t('Bevillinger', 'Grants')[lang], format: ',d' };
          const mean = { field: 'meanDays', type: 'quantitative' as const, title: t('Dage pr. uge (gns.)', 'Days per week (mean)')[lang], format: ',.1f' };
          return {
            $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: 300,
            transform: [
              { calculate: 'datum.grants * datum.daysPerWeek', as: 'grantDays' },
              { aggregate: [{ op: 'sum', field: 'grants', as: 'grants' }, { op: 'sum', field: 'grantDays', as: 'grantDays' }], groupby: ['offerId', 'functionLevel'] },
              { filter: 'datum.grants > 0' },
              { calculate: 'datum.grantDays / datum.grants', as: 'meanDays' },
            ],
            encoding: { x: levelX, y: offer },
            layer: [
              // The lighter 70 % of 'blues': black counts on every cell keep at least 5:1 contrast (WCAG 1.4.3).
              { mark: 'rect', encoding: { color: { field: mean.field, type: mean.type, title: mean.title, scale: { domain: [1, 5], scheme: { name: 'blues', extent: [0, 0.7] } }, legend: { format: ',.1f' } }, tooltip: [offer, level, grants, mean] } },
              { mark: { type: 'text', fontSize: 11, color: 'black' }, encoding: { text: grants } },
            ],
          };
        },
      },
      {
        id: 'transport', report: 'volume', params: byQuarter, drawsIf: { fields: ['transportSharePct'] },
        empty: t('Ingen bevillinger truffet i perioden.', 'No grants decided in the period.'),
        title: t('Andel af bevillinger med kørsel', 'Share of grants with transport'),
        description: t('Bevillinger i kvartalet, hvor kørsel er bevilget, i procent af kvartalets bevillinger.', 'Grants decided in the quarter with transport, as a share of the quarter’s grants.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('granted', 'Bevilget', 'Granted'), col('partlyGranted', 'Delvist bevilget', 'Partly granted'), col('transportSharePct', 'Med kørsel (%)', 'With transport (%)')],
        spec: (lang) => trend('transportSharePct', t('Med kørsel (%)', 'With transport (%)'), lang, { pct: true }),
      },
    ],
  },
  {
    id: 'sagsbehandlingstid',
    title: t('Sagsbehandlingstid', 'Processing time'),
    charts: [
      {
        id: 'compliance-by-quarter', report: 'processing-time', drawsIf: { fields: ['compliancePct'] }, empty: NO_DEADLINE_DECISIONS, params: byQuarter,
        title: t('Afgørelser inden for fristen pr. kvartal', 'Decisions within the deadline by quarter'),
        description: (ctx) => {
          const without = noDeadline(ctx);
          return t(
            `Andel af afgørelser i kvartalet truffet inden for den frist, der gjaldt da ansøgningen blev modtaget, pr. version af kvalitetsstandarden.${without.da}`,
            `Share of the quarter’s decisions made within the deadline in force when the application was received, by version of the quality standard.${without.en}`,
          );
        },
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('standardVersion', 'Standard', 'Standard'), col('deadlineWeeks', 'Frist (uger)', 'Deadline (weeks)'), col('decided', 'Afgjort', 'Decided'), col('withinDeadline', 'Inden for frist', 'Within'), col('compliancePct', 'Inden for frist (%)', 'Within (%)'), col('medianDays', 'Median (dage)', 'Median (days)'), col('p90Days', '90 %-fraktil (dage)', '90th percentile (days)')],
        spec: (lang, ctx) => trend('compliancePct', t('Inden for frist (%)', 'Within deadline (%)'), lang, { pct: true, dash: { field: 'standardVersion', label: t('Kvalitetsstandard', 'Quality standard'), scale: deadlineDashes(ctx) } }),
      },
      {
        id: 'curve', report: 'processing-time-curve', drawsIf: { fields: ['sharePct'] },
        empty: t('Ingen afgørelser i perioden.', 'No decisions in the period.'),
        title: t('Andel afgjort inden for 1–52 uger', 'Share decided within 1–52 weeks'),
        description: (ctx) => {
          const [da, en] = [deadlinesInWords(ctx, 'da'), deadlinesInWords(ctx, 'en')];
          return t(
            `For hver uge 1–52: andelen af afgjorte ansøgninger, der var afgjort inden for så mange uger.${da ? ` Stiplede linjer er fristerne i kvalitetsstandardernes versioner (${da}).` : ''}${noDeadline(ctx).da}`,
            `For each week 1–52: the share of decided applications decided within that many weeks.${en ? ` Dashed lines are the deadlines of the quality standards’ versions (${en}).` : ''}${noDeadline(ctx).en}`,
          );
        },
        columns: [col('municipality', 'Kommune', 'Municipality'), col('weeks', 'Uger', 'Weeks'), col('decided', 'Afgjort', 'Decided'), col('decidedWithin', 'Afgjort inden for', 'Decided within'), col('sharePct', 'Andel (%)', 'Share (%)')],
        spec: curve,
      },
      {
        id: 'worklist', report: 'open-applications', tableOpen: true,
        empty: t('Ingen åbne ansøgninger på datoen.', 'No open applications on the date.'), tableOrder: { field: 'status', codes: Object.keys(STATUS_LABELS) },
        title: t('Arbejdsliste: åbne ansøgninger', 'Work list: open applications'),
        description: t('Åbne ansøgninger på datoen efter status: i risiko (mindst 75 % af fristen brugt), overskredet, og overskredet uden at borgeren er orienteret. Tabellen viser sagerne, de mest presserende først og inden for hver status de ældste først.', 'Applications open on the date by status: at risk (at least 75% of the deadline used), overdue, and overdue without the citizen being told. The table lists the cases, the most urgent first, and the oldest first within each status.'),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('caseId', 'Sag', 'Case'), col('receivedOn', 'Modtaget', 'Received'), col('deadlineWeeks', 'Frist (uger)', 'Deadline (weeks)'), col('elapsedDays', 'Dage', 'Days'), { ...col('status', 'Status', 'Status'), words: STATUS_LABELS }, col('notifiedOn', 'Orienteret', 'Notified')],
        spec: (lang) => {
          const status = { field: 'label', type: 'nominal' as const, title: t('Status', 'Status')[lang], sort: Object.values(STATUS_LABELS).map((l) => l[lang]), axis: { labelLimit: 280 } };
          return {
            $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: 200, mark: 'bar',
            transform: [{ calculate: labelOf(STATUS_LABELS, 'status', lang), as: 'label' }],
            encoding: {
              y: status,
              x: { aggregate: 'count', type: 'quantitative', title: t('Ansøgninger', 'Applications')[lang], axis: countAxis },
              color: { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
              yOffset: { field: 'municipality', type: 'nominal' },
              tooltip: [{ field: 'municipality', type: 'nominal', title: L.municipality[lang] }, { field: 'label', type: 'nominal', title: status.title },
                { aggregate: 'count', type: 'quantitative', title: t('Ansøgninger', 'Applications')[lang] }],
            },
          };
        },
      },
    ],
  },
  {
    id: 'fremmoede',
    title: t('Fremmøde', 'Attendance'),
    charts: [
      {
        id: 'absence', report: 'absence', params: { by: 'month' }, drawsIf: { fields: ['absenceRatePct'] },
        empty: t('Ingen planlagte dage i perioden.', 'No planned days in the period.'),
        title: t('Fravær pr. tilbud og måned', 'Absence by offer and month'),
        description: t(
          'Afbud og udeblivelser i procent af de planlagte dage, pr. tilbud (rækker) og måned (kolonner): jo mørkere felt, jo større fravær; 40 % og derover har den mørkeste farve. Måneder uden planlagte dage er tomme.',
          'Cancellations and no-shows as a share of planned days, by offer (rows) and month (columns): the darker the cell, the higher the absence; 40% and above take the darkest colour. Months without planned days are blank.',
        ),
        columns: [col('period', 'Måned', 'Month'), col('municipality', 'Kommune', 'Municipality'), col('offerId', 'Tilbud', 'Offer'), col('plannedDays', 'Planlagte dage', 'Planned days'), col('cancelled', 'Afbud', 'Cancelled'), col('noShow', 'Udeblevet', 'No-show'), col('absenceRatePct', 'Fravær (%)', 'Absence (%)')],
        spec: (lang) => {
          const offer = { field: 'offerId', type: 'nominal' as const, title: t('Tilbud', 'Offer')[lang] };
          const month = { field: 'period', type: 'ordinal' as const, title: L.month[lang] };
          // the columns on a time axis (in UTC, as the period names it): ticks at the years or
          // months that fit, where a label per month would crowd 84 of them
          const monthStart = { field: 'monthStart', type: 'temporal' as const, scale: { type: 'utc' as const }, title: L.month[lang] };
          const rate = { field: 'absenceRatePct', type: 'quantitative' as const, title: t('Fravær (%)', 'Absence (%)')[lang] };
          return {
            $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: { step: 16 }, mark: 'rect',
            // a month without planned days has no rate: no cell
            transform: [
              { filter: 'datum.plannedDays > 0' },
              { calculate: "toDate(datum.period + '-01')", as: 'monthStart' },
              { calculate: 'utc(utcyear(datum.monthStart), utcmonth(datum.monthStart) + 1, 1)', as: 'monthEnd' },
            ],
            encoding: {
              // ticks at month starts: every month over a year or less, every quarter over two, else every year
              x: { ...monthStart, axis: { labelAngle: 0, tickCount: { expr: `${TICKS_BY_SPAN}` } } },
              x2: { field: 'monthEnd' },
              y: offer,
              color: { ...rate, scale: { scheme: 'orangered', domain: [0, 40], clamp: true } },
              tooltip: [offer, month, { field: 'plannedDays', type: 'quantitative', title: t('Planlagte dage', 'Planned days')[lang], format: ',d' },
                { field: 'cancelled', type: 'quantitative', title: t('Afbud', 'Cancelled')[lang], format: ',d' },
                { field: 'noShow', type: 'quantitative', title: t('Udeblevet', 'No-show')[lang], format: ',d' }, { ...rate, format: ',.1f' }],
            },
          };
        },
      },
      {
        id: 'flags', report: 'absence-flags',
        empty: t('Ingen sager med mange afbud i de 56 dage frem til datoen.', 'No case with many cancellations in the 56 days to the date.'),
        title: t('Borgere med mange afbud', 'Citizens with many cancellations'),
        description: (ctx) => {
          const [da, en] = (['da', 'en'] as const).map((lang) => ruleInWords(ctx, lang, (v) => v.absenceFlagPct, t('%', '%'))) as [string, string];
          return t(
            `Sager med mindst 8 planlagte dage og et fravær på mindst ${da} (en tærskel fastsat lokalt, ikke i kvalitetsstandarden) i de 56 dage frem til datoen, pr. tilbud. Tabellen viser sagerne til dialog med borger og tilbud.`,
            `Cases with at least 8 planned days and absence of at least ${en} (a threshold set locally, not by the quality standard) in the 56 days up to the date, by offer. The table lists the cases for a dialogue with citizen and provider.`,
          );
        },
        columns: [col('municipality', 'Kommune', 'Municipality'), col('caseId', 'Sag', 'Case'), col('offerId', 'Tilbud', 'Offer'), col('plannedDays', 'Planlagte dage', 'Planned days'), col('absenceRatePct', 'Fravær (%)', 'Absence (%)')],
        spec: (lang) => ({
          $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: 200, mark: 'bar',
          encoding: {
            y: { field: 'offerId', type: 'nominal', title: t('Tilbud', 'Offer')[lang] },
            x: { aggregate: 'count', type: 'quantitative', title: t('Sager', 'Cases')[lang], axis: { tickMinStep: 1, format: 'd' } },
            color: { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
            tooltip: [
              { field: 'offerId', type: 'nominal', title: t('Tilbud', 'Offer')[lang] }, { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
              { aggregate: 'count', type: 'quantitative', title: t('Sager', 'Cases')[lang] },
            ],
          },
        }),
      },
    ],
  },
  {
    id: 'klager',
    title: t('Klager', 'Complaints'),
    charts: [
      {
        id: 'funnel', report: 'complaints', drawsIf: { fields: FUNNEL_STEPS.map((f) => f.field), nonZero: true },
        empty: t('Ingen afgørelser eller klager i perioden.', 'No decisions or complaints in the period.'),
        title: t('Fra afgørelse til Ankestyrelsen', 'From decision to Ankestyrelsen'),
        description: t('Afgørelser, klager over afgørelser, genvurderinger (fuldt omgjort, delvist, fastholdt), videresendte klager og Ankestyrelsens afgørelser i perioden.', 'Decisions, complaints about decisions, reassessments (fully reversed, partly, maintained), forwarded complaints and Ankestyrelsen’s outcomes in the period.'),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('decisions', 'Afgørelser', 'Decisions'), col('complaints', 'Klager', 'Complaints'), col('fullReversal', 'Omgjort', 'Reversed'), col('partial', 'Delvist', 'Partly'), col('maintained', 'Fastholdt', 'Maintained'), col('forwarded', 'Videresendt', 'Forwarded'), col('forwardedOnTimePct', 'Videresendt i tide (%)', 'Forwarded on time (%)'), col('upheld', 'Stadfæstet', 'Upheld'), col('changedOrAnnulled', 'Ændret/ophævet', 'Changed/annulled'), col('remitted', 'Hjemvist', 'Remitted'), col('dismissed', 'Afvist', 'Dismissed'), col('reversalRatePct', 'Omgørelsesprocent', 'Reversal rate (%)')],
        spec: (lang) => folded(FUNNEL_STEPS, lang, { field: 'municipality', label: L.municipality }, t('Antal', 'Count'), { log: true }),
      },
      {
        id: 'complaints', report: 'complaints', params: { by: 'year' }, drawsIf: { fields: ['reversalRatePct'] }, empty: NO_APPEALS,
        title: t('Omgørelsesprocent pr. år', 'Reversal rate by year'),
        description: t('Hjemviste og ændrede/ophævede sager i procent af Ankestyrelsens realitetsbehandlede sager; afviste sager indgår ikke.', 'Remitted and changed or annulled cases as a share of the appeals Ankestyrelsen examined; dismissed cases are left out.'),
        columns: [col('period', 'År', 'Year'), col('municipality', 'Kommune', 'Municipality'), col('decisions', 'Afgørelser', 'Decisions'), col('complaints', 'Klager', 'Complaints'), col('forwarded', 'Videresendt', 'Forwarded'), col('reversalRatePct', 'Omgørelsesprocent', 'Reversal rate (%)')],
        spec: (lang) => trend('reversalRatePct', t('Omgørelsesprocent', 'Reversal rate (%)'), lang, { pct: true, periods: L.year }),
      },
    ],
  },
  {
    id: 'paragraf-82a',
    title: t('§ 82a', '§ 82a'),
    charts: [
      {
        id: 'migration', report: 'migrations-82a',
        empty: t('Intet tilbud skiftede fra § 104 til § 82a i perioden.', 'No offer changed from § 104 to § 82a in the period.'),
        title: t('Borgere i tilbud, der skiftede fra § 104 til § 82a', 'Citizens in offers that moved from § 104 to § 82a'),
        description: t('Borgere hvis § 104-tilbud var i kraft dagen før skiftet: fortsat under § 82a (uden klageadgang), flyttet til et andet § 104-tilbud, stoppet, eller stadig registreret under § 104.', 'Citizens whose § 104 service was in effect the day before the change: continued under § 82a (no appeal route), moved to another § 104 offer, ended, or still recorded under § 104.'),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('offerId', 'Tilbud', 'Offer'), col('effectiveDate', 'Skiftedato', 'Effective date'), col('cohort', 'Borgere', 'Citizens'), col('continuedUnder82a', 'Fortsat § 82a', 'Continued § 82a'), col('movedTo104', 'Andet § 104', 'Other § 104'), col('ended', 'Stoppet', 'Ended'), col('stillRecordedAs104', 'Stadig § 104', 'Still § 104'), col('medianGapDays', 'Median pause (dage)', 'Median gap (days)'), col('lostAppealRoute', 'Mistet klageadgang', 'Lost appeal route')],
        spec: (lang, ctx) => migrationFlow(lang, ctx),
      },
    ],
  },
  {
    id: 'opfoelgning',
    title: t('Opfølgning', 'Follow-up'),
    charts: [
      {
        id: 'follow-up-overdue', report: 'follow-up', params: byQuarter,
        title: t('Overskredne opfølgninger ved kvartalets udgang', 'Overdue follow-ups at the end of each quarter'),
        description: (ctx) => t(
          `Bevillinger i kraft, hvis næste opfølgning (${ruleInWords(ctx, 'da', (v) => v.followUpMonths, t('måneder', 'months'))} efter start eller seneste opfølgning) var forfalden.`,
          `Grants in effect whose next follow-up (${ruleInWords(ctx, 'en', (v) => v.followUpMonths, t('måneder', 'months'))} after the start or the last follow-up) was overdue.`,
        ),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('activeGrants', 'Bevillinger i kraft', 'Grants in effect'), col('overdue', 'Overskredet', 'Overdue')],
        spec: (lang) => trend('overdue', t('Overskredne opfølgninger', 'Overdue follow-ups'), lang),
      },
      {
        id: 'follow-up-on-time', report: 'follow-up', params: byQuarter, drawsIf: { fields: ['heldOnTimePct'] },
        empty: t('Ingen opfølgninger holdt i perioden.', 'No follow-ups held in the period.'),
        title: t('Opfølgninger holdt til tiden', 'Follow-ups held on time'),
        description: t('Andel af kvartalets opfølgninger, der blev holdt senest på forfaldsdagen.', 'Share of the quarter’s follow-ups held on or before their due date.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('held', 'Holdt', 'Held'), col('heldOnTime', 'Til tiden', 'On time'), col('heldOnTimePct', 'Til tiden (%)', 'On time (%)')],
        spec: (lang) => trend('heldOnTimePct', t('Til tiden (%)', 'On time (%)'), lang, { pct: true }),
      },
    ],
  },
  {
    id: 'kvalitetsstandard',
    title: t('Kvalitetsstandard', 'Quality standard'),
    charts: [
      {
        id: 'evidence', report: 'standard-evidence', tableOpen: true,
        title: t('Standardens regler og den målte praksis', 'The standard’s rules and measured practice'),
        description: t(
          'For hver regel og hver version af kvalitetsstandarden: søjlen er andelen af periodens sager, der overholder versionens regel, hvis den gjaldt for dem alle; stregen er andelen, mens versionen var gældende. Tabellen giver reglens ordlyd i hver version.',
          'For each rule and each version of the quality standard: the bar is the share of the period’s cases meeting the version’s rule had it applied to all of them; the tick is the share while the version was in force. The table gives the rule’s wording in each version.',
        ),
        columns: [
          col('municipality', 'Kommune', 'Municipality'), { ...col('rule', 'Regel', 'Rule'), words: RULE_LABELS }, col('standardVersion', 'Version', 'Version'),
          { ...col('value', 'Værdi', 'Value'), words: valueWords }, { ...col('wording', 'Ordlyd (fra standarden)', 'Wording (from the standard)'), quotes: true },
          col('inForceBase', 'Sager mens gældende', 'Cases while in force'), col('inForcePct', 'Overholdt mens gældende (%)', 'Met while in force (%)'),
          col('ifAppliedBase', 'Sager i perioden', 'Cases in the period'), col('ifAppliedPct', 'Overholdt med denne version (%)', 'Met under this version (%)'),
        ],
        spec: (lang, ctx) => {
          const ruleLabel = labelOf(RULE_LABELS, 'rule', lang);
          const rule = { field: 'label', type: 'nominal' as const, title: t('Regel', 'Rule')[lang], sort: Object.values(RULE_LABELS).map((l) => l[lang]), axis: { labelLimit: 300 } };
          const version = { field: 'standardVersion', type: 'nominal' as const, title: t('Version', 'Version')[lang] };
          const share = t('Andel (%)', 'Share (%)')[lang];
          // a version takes its municipality's colour, the earlier ones darker
          const shown = [...ctx.standards.values()].filter((s) => !ctx.municipality || s.municipality === ctx.municipality).sort((a, b) => a.municipality.localeCompare(b.municipality));
          const versionColour = { ...version, scale: versionColours(ctx.standards, shown) };
          return {
            $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: 360,
            transform: [
              { calculate: `(${labelOf(Object.fromEntries([...ctx.standards.values()].map((x) => [x.municipality, t(shortName(x), shortName(x))])), 'municipality', lang)}) + ' · ' + (${ruleLabel})`, as: 'label' },
              { calculate: labelOf(valueWords(ctx), 'value', lang), as: 'valueText' },
              { filter: 'datum.ifAppliedPct != null' },
            ],
            // within a rule: the versions in order, as the legend lists them
            encoding: { y: rule, yOffset: { ...version, sort: versionColour.scale.domain }, color: versionColour },
            layer: [
              {
                mark: 'bar',
                encoding: {
                  x: { field: 'ifAppliedPct', type: 'quantitative', title: share, scale: { domain: [0, 100] } },
                  tooltip: [{ field: rule.field, type: rule.type, title: rule.title }, version, { field: 'valueText', type: 'nominal', title: t('Værdi', 'Value')[lang] },
                    { field: 'ifAppliedPct', type: 'quantitative', title: t('Med denne version (%)', 'Under this version (%)')[lang], format: ',.1f' },
                    { field: 'inForcePct', type: 'quantitative', title: t('Mens gældende (%)', 'While in force (%)')[lang], format: ',.1f' }],
                },
              },
              // (the colour as a value: the layers' version colour would hide the tick on its bar)
              { mark: { type: 'tick', thickness: 2 }, encoding: { x: { field: 'inForcePct', type: 'quantitative' }, color: { value: '#1a1a1a' } } },
            ],
          };
        },
      },
    ],
  },
  {
    id: 'datakvalitet',
    title: t('Datakvalitet', 'Data quality'),
    charts: [
      {
        id: 'checks', report: 'data-quality', drawsIf: { fields: ['count'], nonZero: true },
        empty: t('Ingen fund i datakvalitetstjekkene i perioden.', 'No findings in the data-quality checks in the period.'),
        title: t('Datakvalitetstjek', 'Data-quality checks'),
        description: t(
          'Hændelser om ukendte sager eller tilbud, bevillinger uden for standardens dage, fremmøde uden for en ydelse, § 104-ydelser ved tilbud, der nu er § 82a, ydelser startet på en sag uden ansøgning og uden borger, og ansøgninger modtaget før standardens første version.',
          'Events about unknown cases or offers, grants outside the standard’s days, attendance outside a service, § 104 services at offers that are now § 82a, services started on a case with neither application nor citizen, and applications received before the standard’s first version.',
        ),
        columns: [col('municipality', 'Kommune', 'Municipality'), { ...col('check', 'Tjek', 'Check'), words: CHECK_LABELS }, col('count', 'Antal', 'Count'), col('examples', 'Eksempler', 'Examples')],
        spec: (lang) => {
          const label = Object.values(CHECK_LABELS).map((l) => l[lang]);
          const check = { field: 'label', type: 'nominal' as const, title: t('Tjek', 'Check')[lang], sort: label, axis: { labelLimit: 280 } };
          return {
            $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: 240, mark: 'bar',
            transform: [{ calculate: labelOf(CHECK_LABELS, 'check', lang), as: 'label' }],
            encoding: {
              y: check,
              x: { field: 'count', type: 'quantitative', title: t('Antal', 'Count')[lang], axis: countAxis },
              color: { field: 'municipality', type: 'nominal', title: L.municipality[lang] },
              yOffset: { field: 'municipality', type: 'nominal' },
              tooltip: [{ field: 'municipality', type: 'nominal', title: L.municipality[lang] }, { field: 'label', type: 'nominal', title: check.title },
                { field: 'count', type: 'quantitative', title: t('Antal', 'Count')[lang], format: ',d' },
                { field: 'examples', type: 'nominal', title: t('Eksempler', 'Examples')[lang] }],
            },
          };
        },
      },
      {
        id: 'dead-letters', report: 'dead-letters',
        title: t('Afviste linjer efter årsag', 'Rejected lines by reason'),
        empty: t('Ingen afviste linjer modtaget i perioden.', 'No rejected lines received in the period.'),
        description: t('Afviste linjer, gemt med deres årsag, efter felt og regel.', 'Lines in the dead-letter store by field and rule.'),
        columns: [{ ...col('path', 'Felt', 'Field'), words: LINE_PATH }, { ...col('rule', 'Regel', 'Rule'), danish: DANISH_RULES }, col('lines', 'Linjer', 'Lines')],
        spec: (lang) => ({
          $schema: SCHEMA, data: { name: 'rows' }, width: 'container', height: 200, mark: { type: 'bar', stroke: 'white', strokeWidth: 1 },
          encoding: {
            y: { field: 'path', type: 'nominal', title: t('Felt', 'Field')[lang], axis: { labelExpr: wordsOf({ line: LINE_PATH.line![lang] }, 'value', 'datum.label') } },
            x: { field: 'lines', type: 'quantitative', aggregate: 'sum', title: t('Linjer', 'Lines')[lang], axis: countAxis },
            // a segment per rule broken on the field
            detail: { field: 'rule', type: 'nominal' },
            tooltip: [
              { field: 'path', type: 'nominal', title: t('Felt', 'Field')[lang] }, { field: 'rule', type: 'nominal', title: t('Regel', 'Rule')[lang] },
              { field: 'lines', type: 'quantitative', aggregate: 'sum', title: t('Linjer', 'Lines')[lang], format: ',d' },
            ],
          },
        }),
      },
    ],
  },
];

export function findPage(id: string): Page | undefined {
  return PAGES.find((p) => p.id === id);
}
