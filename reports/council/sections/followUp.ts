import type { Row } from '../../runner.ts';
import { percent, type Shown } from '../cells.ts';
import { count } from '../data.ts';
import { formatDate, formatInt } from '../danish.ts';
import { resolutionHeading, resolutionNote, seriesGroups } from '../series.ts';
import { publishedBars } from '../figures.ts';
import { barFigure, SHARED, inYear, onSnapshot, type SectionBuilder, type TableRow } from '../section.ts';
import { versionInForce } from '../../../schemas/standard.ts';

/**
 * 5. Opfølgning: follow-ups held in the period, on time or late, by quarter, and the grants in
 * effect at the end of the period whose next follow-up is overdue.
 */
const HELD = [
  { field: 'ontime', label: 'Til tiden' },
  { field: 'late', label: 'For sent' },
] as const;

export const followUpSection: SectionBuilder = (data, book) => {
  const { followUp: f, period } = data;
  const active = count(f, 'activeGrants'), overdue = count(f, 'overdue');
  book.cell(SHARED.grantsInEffect, active);
  book.cell('fu.overdue', overdue);
  book.derived('fu.current', active - overdue, SHARED.grantsInEffect, ['fu.overdue']);
  const split = (rows: readonly Row[]) => {
    const onTime = rows.reduce((s, r) => s + count(r, 'heldOnTime'), 0);
    return [onTime, rows.reduce((s, r) => s + count(r, 'held'), 0) - onTime];
  };
  const series = seriesGroups(data.followUpByQuarter, split);
  const groups = series.groups;
  if (groups.length > 0) {
    book.table(groups.map((g) => split(g.rows)), (r, c) => `fu.${r === 'total' ? 'all' : `p${r}`}.${c === 'total' ? 'held' : HELD[c]!.field}`);
  }
  book.cell('fu.all.held', count(f, 'held'));
  book.cell('fu.all.ontime', count(f, 'heldOnTime'));
  book.cell('fu.all.late', count(f, 'held') - count(f, 'heldOnTime'));
  book.sum('fu.all.held', ['fu.all.ontime', 'fu.all.late']);

  return {
    async render(shown: Shown) {
      const months = versionInForce(data.standard, period.to)?.followUpMonths ?? 12;
      const rows: TableRow[] = [
        { label: `Bevillinger i kraft ${formatDate(period.to)}`, cells: [shown.count(SHARED.grantsInEffect), ''], total: true },
        { label: 'heraf med overskredet opfølgning', cells: [shown.count('fu.overdue'), shown.share('fu.overdue', SHARED.grantsInEffect)], sub: true },
        { label: `Opfølgninger holdt ${period.complete ? `i ${period.year}` : 'i perioden'}`, cells: [shown.count('fu.all.held'), ''], total: true },
        { label: 'til tiden', cells: [shown.count('fu.all.ontime'), shown.share('fu.all.ontime', 'fu.all.held')], sub: true },
        { label: 'for sent', cells: [shown.count('fu.all.late'), shown.share('fu.all.late', 'fu.all.held')], sub: true },
      ];
      const periodRows: TableRow[] = [
        ...groups.map((g, i) => ({
          label: g.label,
          cells: [...HELD.map((h) => shown.count(`fu.p${i}.${h.field}`)), shown.count(`fu.p${i}.held`), shown.share(`fu.p${i}.ontime`, `fu.p${i}.held`)],
        })),
        { label: period.complete ? 'Hele året' : 'I alt', cells: [...HELD.map((h) => shown.count(`fu.all.${h.field}`)), shown.count('fu.all.held'), shown.share('fu.all.ontime', 'fu.all.held')], total: true },
      ];

      const held = shown.phrase('fu.all.held');
      const onTime = shown.published('fu.all.ontime', 'fu.all.late') && (shown.value('fu.all.held') ?? 0) > 0 ? shown.share('fu.all.ontime', 'fu.all.held') : undefined;
      const overdue = shown.phrase('fu.overdue');
      const all = shown.phrase(SHARED.grantsInEffect);
      const text = [
        `Efter kvalitetsstandarden følges der op på bevillingen mindst hver ${months === 12 ? '12. måned (en gang om året)' : `${formatInt(months)}. måned`}. Næste opfølgning forfalder ${formatInt(months)} måneder efter bevillingens start eller seneste opfølgning.`,
        [
          held === undefined ? '' : `${inYear(period)} blev der holdt ${held} opfølgninger${onTime === undefined ? '' : `, og ${onTime} af dem blev holdt til tiden`}.`,
          overdue === undefined || all === undefined ? '' : `${onSnapshot(period)} var opfølgningen overskredet for ${overdue} af de ${all} bevillinger i kraft.`,
        ].filter((t) => t !== '').join(' '),
      ].filter((t) => t !== '');

      const bars = publishedBars(groups.map((g, i) => {
        const n = shown.value(`fu.p${i}.ontime`), late = shown.value(`fu.p${i}.late`);
        return { label: g.label, value: n === undefined || late === undefined || n + late === 0 ? undefined : percent(n, n + late) };
      }));
      const caption = groups.length > 0 ? `Andel af opfølgningerne holdt til tiden, pr. ${series.resolution}` : `Opfølgninger holdt ${period.year}`;
      const figure = groups.length > 0
        ? await barFigure('fig-followup', caption, bars, groups.length, { title: 'Til tiden (%)', pct: true, width: 420 })
        : await barFigure('fig-followup', caption, publishedBars(HELD.map((h) => ({ label: h.label, value: shown.value(`fu.all.${h.field}`) }))), HELD.length, { title: 'Opfølgninger', width: 300 });
      return {
        id: 'opfoelgning',
        title: 'Opfølgning',
        text,
        figure,
        highlights: [{ label: `Bevillinger med overskredet opfølgning ${formatDate(period.to)}`, value: shown.count('fu.overdue') }],
        tables: [
          { caption: 'Opfølgning på bevillinger', head: ['', 'Antal', 'Andel'], rows, ...(groups.length === 0 ? { note: resolutionNote('none')! } : {}) },
          ...(groups.length > 0
            ? [{ caption: `Opfølgninger holdt pr. ${series.resolution}`, head: [resolutionHeading(series.resolution), ...HELD.map((h) => h.label), 'I alt', 'Andel til tiden'], rows: periodRows, note: `Til tiden: holdt senest på forfaldsdagen, beregnet ud fra bevillingens start eller den forrige opfølgning.${series.resolution === 'halvår' ? ` ${resolutionNote('halvår')}` : ''}` }]
            : []),
        ],
      };
    },
  };
};
