import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { NUMBER_LOCALE, TIME_LOCALE } from './danish.ts';

/**
 * The council report's charts: Vega-Lite compiled and rendered to SVG on the server (no
 * browser), in Danish number and time formats. A chart is given only figures that survived
 * suppression; the caller says in a note what was left out.
 */
export const FONT = '"DejaVu Sans", "Helvetica Neue", Arial, sans-serif';
export const COLORS = { primary: '#1f4e79', secondary: '#8fb3d3', accent: '#b8452f', muted: '#6b7680' } as const;

const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 4,
  aria: false,
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 10, titleFontWeight: 'normal', labelColor: '#222', titleColor: '#222', gridColor: '#e3e6e8', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 10, titleFontSize: 10, titleFontWeight: 'normal', orient: 'bottom' },
  text: { fontSize: 10 },
} as const;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Renders a spec to an SVG string. Vega numbers clip paths and gradients with a process-wide
 * counter, so the ids are renamed `<id>-1`, `<id>-2`, … in order of appearance: the same chart
 * gives the same bytes in any process, and two charts in one page never share an id.
 */
export async function renderSvg(id: string, spec: TopLevelSpec, label: string): Promise<string> {
  const compiled = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec).spec;
  // Vega's default locale is process-wide; the council report is the only server-side renderer.
  vega.formatLocale(NUMBER_LOCALE);
  vega.timeFormatLocale(TIME_LOCALE);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return deterministicIds(id, await view.toSVG()).replace('<svg ', `<svg role="img" aria-label="${label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}" `);
  } finally {
    view.finalize();
  }
}

function deterministicIds(prefix: string, svg: string): string {
  const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  const renamed = new Map(ids.map((old, i) => [old, `${prefix}-${i + 1}`]));
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_, a: string, old: string, b: string) => `${a}${renamed.get(old) ?? old}${b}`)
    .replace(/url\(#([^)]+)\)/g, (m, old: string) => (renamed.has(old) ? `url(#${renamed.get(old)})` : m))
    .replace(/(href=")#([^"]+)(")/g, (m, a: string, old: string, b: string) => (renamed.has(old) ? `${a}#${renamed.get(old)}${b}` : m));
}

export interface Bar {
  label: string;
  value: number;
  /** A second series (e.g. "Ansøgninger" / "Afgørelser"). */
  series?: string;
}

/** The bars whose value survived suppression (undefined: withheld). */
export function publishedBars(bars: readonly (Omit<Bar, 'value'> & { value: number | undefined })[]): Bar[] {
  return bars.flatMap((b) => (b.value === undefined ? [] : [{ ...b, value: b.value }]));
}

/** Bars; horizontal for long labels. `pct` formats percentages and fixes the scale at 0–100 % unless `zoom`. */
export function barSpec(bars: readonly Bar[], o: { title: string; horizontal?: boolean; pct?: boolean; zoom?: boolean; width?: number; series?: readonly string[] }): TopLevelSpec {
  const labels = [...new Set(bars.map((b) => b.label))];
  const value = {
    field: 'value', type: 'quantitative' as const, title: o.title,
    axis: { format: o.pct ? ',.0f' : ',d', tickMinStep: o.pct ? undefined : 1 },
    ...(o.pct && !o.zoom ? { scale: { domain: [0, 100] } } : {}),
  };
  const category = { field: 'label', type: 'nominal' as const, title: null, sort: labels, axis: { labelLimit: 320, labelAngle: 0 } };
  const series = o.series
    ? { color: { field: 'series', type: 'nominal' as const, title: null, sort: [...o.series], scale: { domain: [...o.series], range: [COLORS.primary, COLORS.secondary, COLORS.accent, '#5b8c5a', '#d4a03c', COLORS.muted] } } }
    : { color: { value: COLORS.primary } };
  const offset = o.series ? (o.horizontal ? { yOffset: { field: 'series', type: 'nominal' as const, sort: [...o.series] } } : { xOffset: { field: 'series', type: 'nominal' as const, sort: [...o.series] } }) : {};
  const n = labels.length * (o.series?.length ?? 1);
  return {
    $schema: SCHEMA,
    width: o.width ?? 560,
    height: o.horizontal ? Math.max(60, n * 18) : 180,
    data: { values: bars.map((b) => ({ ...b })) },
    layer: [
      {
        mark: { type: 'bar', ...(o.horizontal ? {} : { width: { band: 0.8 } }) },
        encoding: { ...(o.horizontal ? { y: category, x: value } : { x: category, y: value }), ...series, ...offset },
      },
      {
        mark: o.horizontal ? { type: 'text', align: 'left', dx: 3, fontSize: 9 } : { type: 'text', baseline: 'bottom', dy: -2, fontSize: 9 },
        encoding: {
          ...(o.horizontal ? { y: category, x: value } : { x: category, y: value }),
          ...offset,
          text: { field: 'value', type: 'quantitative', format: o.pct ? ',.1f' : ',d' },
          color: { value: '#222' },
        },
      },
    ],
  } as TopLevelSpec;
}

export interface CurvePoint {
  weeks: number;
  sharePct: number;
}

export interface DeadlineRule {
  weeks: number;
  label: string;
}

/** The processing-time curve (share decided within w weeks) with the deadlines as dashed rules. */
export function curveSpec(points: readonly CurvePoint[], rules: readonly DeadlineRule[]): TopLevelSpec {
  const x = { field: 'weeks', type: 'quantitative' as const, title: 'Uger fra ansøgning til afgørelse', scale: { domain: [0, 52] }, axis: { values: [0, 4, 8, 12, 16, 20, 26, 39, 52] } };
  return {
    $schema: SCHEMA,
    width: 560,
    height: 200,
    layer: [
      {
        data: { values: [{ weeks: 0, sharePct: 0 }, ...points.map((p) => ({ ...p }))] },
        mark: { type: 'line', interpolate: 'linear', color: COLORS.primary, point: { filled: true, size: 18, color: COLORS.primary } },
        encoding: { x, y: { field: 'sharePct', type: 'quantitative', title: 'Afgjort inden for (%)', scale: { domain: [0, 100] }, axis: { format: ',.0f' } } },
      },
      ...(rules.length === 0 ? [] : [
        {
          data: { values: rules.map((r) => ({ ...r })) },
          mark: { type: 'rule', strokeDash: [5, 4], color: COLORS.accent, strokeWidth: 1.5 },
          encoding: { x: { field: 'weeks', type: 'quantitative' } },
        },
        {
          data: { values: rules.map((r) => ({ ...r })) },
          mark: { type: 'text', align: 'left', dx: 4, dy: 2, baseline: 'top', color: COLORS.accent, fontSize: 10 },
          encoding: { x: { field: 'weeks', type: 'quantitative' }, y: { datum: 100 }, text: { field: 'label', type: 'nominal' } },
        },
      ]),
    ],
  } as TopLevelSpec;
}
