import type { CountBook, Shown } from './cells.ts';
import type { CouncilData } from './data.ts';
import { formatDate } from './danish.ts';
import { barSpec, renderSvg, type Bar } from './figures.ts';
import type { CouncilPeriod } from './period.ts';

/**
 * One section of the council report, following a section of the quality standard: a short
 * neutral text stating the figures, a chart, and one or more tables. A section is built in two
 * steps: it first registers its counts in the report's one CountBook, then, once the whole
 * report has been suppressed, renders what may be shown.
 */
export interface TableRow {
  label: string;
  cells: readonly string[];
  /** A total or subtotal row, set in bold. */
  total?: boolean;
  /** An "heraf" row, indented. */
  sub?: boolean;
}

export interface TableBlock {
  caption: string;
  head: readonly string[];
  rows: readonly TableRow[];
  note?: string;
}

export interface Figure {
  /** The chart; absent when no figure survived suppression (the note says so). */
  svg?: string;
  caption: string;
  note?: string;
}

/** A key figure for the front page: the same display as in the section's table. */
export interface Highlight {
  label: string;
  value: string;
}

export interface Section {
  id: string;
  title: string;
  text: readonly string[];
  figure: Figure;
  tables: readonly TableBlock[];
  highlights?: readonly Highlight[];
}

export interface SectionDraft {
  render(shown: Shown): Promise<Section>;
}

/** Registers the section's counts; undefined when the section does not apply (no §82a change). */
export type SectionBuilder = (data: CouncilData, book: CountBook) => SectionDraft | undefined;

/** Counts that several sections show: one id each, so that suppression sees them as one. */
export const SHARED = {
  decisions: 'decisions',
  grantsDecided: 'grants-decided',
  grantsInEffect: 'grants-in-effect',
} as const;

/** "I 2024" or, for a year not yet over, "I 2025 til og med 24. november". */
export function inYear(p: CouncilPeriod): string {
  return p.complete ? `I ${p.year}` : `I ${p.year} til og med ${formatDate(p.to).replace(/ \d{4}$/, '')}`;
}

/** "Den 31. december 2024". */
export const onSnapshot = (p: CouncilPeriod): string => `Den ${formatDate(p.to)}`;

/** Capitalises the first letter (texts built from phrases). */
export const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The note under a chart when some figures were left out. */
export const LEFT_OUT = 'Tal, der er skjult i tabellen (<5 eller .), er udeladt af figuren.';
export const NOTHING_TO_CHART = 'Ingen af tallene kan vises i en figur uden at afsløre små tal; se tabellen.';

/**
 * A bar chart of the figures that survived suppression (`expected` is how many there would be
 * without it), or a note in its place when none did or all are 0.
 */
export async function barFigure(id: string, caption: string, bars: readonly Bar[], expected: number, options: Parameters<typeof barSpec>[1]): Promise<Figure> {
  if (bars.length === 0) return { caption, note: NOTHING_TO_CHART };
  if (bars.every((b) => b.value === 0)) return { caption, note: bars.length < expected ? NOTHING_TO_CHART : 'Alle tal er 0.' };
  return { caption, svg: await renderSvg(id, barSpec(bars, options), caption), ...(bars.length < expected ? { note: LEFT_OUT } : {}) };
}
