import { versionInForce, type Standard } from '../../../schemas/standard.ts';
import type { Row } from '../../runner.ts';
import type { Shown } from '../cells.ts';
import { count, num } from '../data.ts';
import { formatDate, joinDanish } from '../danish.ts';
import { resolutionHeading, resolutionNote, seriesGroups } from '../series.ts';
import { publishedBars } from '../figures.ts';
import type { CouncilPeriod } from '../period.ts';
import { barFigure, SHARED, inYear, onSnapshot, type SectionBuilder, type TableRow } from '../section.ts';

/**
 * 1. Målgruppe og omfang: applications and decisions (volume), by quarter, and the grants in
 * effect at the end of the period by VUM function level (the standards' target group).
 */
/** Partly granted counts with granted: apart, it is a small number in most municipalities. */
const OUTCOMES = [
  { id: SHARED.grantsDecided, label: 'Bevilget helt eller delvist', noun: 'bevillinger' },
  { id: 'vol.rejected', label: 'Afslag', noun: 'afslag' },
] as const;

/** VUM levels 0–2 are one group: they are few in a § 104 offer, and apart they would be small numbers. */
const LEVEL_GROUPS = [
  { key: '0-2', levels: [0, 1, 2], label: '0–2 (ikke, let eller moderat nedsat)' },
  { key: '3', levels: [3], label: '3 (svært nedsat)' },
  { key: '4', levels: [4], label: '4 (fuldstændigt nedsat)' },
] as const;

/** How many with transport, given back from the report's share (exact for fewer than 1.000 grants). */
const fromShare = (pct: number | null, of: number): number => (pct === null ? 0 : Math.round((pct * of) / 100));

export const volumeSection: SectionBuilder = (data, book) => {
  const { volume: v, period } = data;
  book.cell('vol.applications', count(v, 'applications'));
  book.cell('vol.withdrawn', count(v, 'withdrawn'));
  book.cell('vol.starts', count(v, 'starts'));
  book.cell('vol.ends', count(v, 'ends'));
  book.cell(SHARED.grantsInEffect, count(v, 'grantsInEffect'));
  const grantsDecided = count(v, 'granted') + count(v, 'partlyGranted');
  book.cell(SHARED.grantsDecided, grantsDecided);
  book.cell('vol.rejected', count(v, 'rejected'));
  book.cell(SHARED.decisions, count(v, 'decisions'));
  book.sum(SHARED.decisions, OUTCOMES.map((o) => o.id));
  const withTransport = fromShare(num(v, 'transportSharePct'), grantsDecided);
  book.cell('vol.transport', withTransport);
  book.cell('vol.no-transport', grantsDecided - withTransport);
  book.sum(SHARED.grantsDecided, ['vol.transport', 'vol.no-transport']);

  // Applications and decisions by quarter (or half-year) add up to the year's; outcomes only for
  // the year: by quarter they are small numbers, and suppressing them would hide the year's too.
  const total = (rows: readonly Row[], f: string) => rows.reduce((s, r) => s + count(r, f), 0);
  const series = seriesGroups(data.volumeByQuarter, (rows) => [total(rows, 'applications'), total(rows, 'decisions')]);
  const groups = series.groups;
  groups.forEach((g, i) => {
    book.cell(`vol.p${i}.applications`, total(g.rows, 'applications'));
    book.cell(`vol.p${i}.decisions`, total(g.rows, 'decisions'));
  });
  book.sum('vol.applications', groups.map((_, i) => `vol.p${i}.applications`));
  book.sum(SHARED.decisions, groups.map((_, i) => `vol.p${i}.decisions`));

  // Grants in effect by the latest VUM level (none: no assessment), adding up to all grants in effect.
  const level = (r: Row) => (r.functionLevel === null ? 'none' : LEVEL_GROUPS.find((g) => (g.levels as readonly number[]).includes(Number(r.functionLevel)))!.key);
  const byLevel = new Map<string, number>([...LEVEL_GROUPS.map((g) => [g.key, 0] as const)]);
  for (const r of data.daysPerWeekByLevel) byLevel.set(level(r), (byLevel.get(level(r)) ?? 0) + count(r, 'grants'));
  book.sum(SHARED.grantsInEffect, [...byLevel.keys()].map((k) => book.cell(`vum.${k}`, byLevel.get(k)!)));
  // Beside the public days-per-week-by-level, whose rows give each level's grants (reports/publication.ts).
  book.sum('vum.none', ['dpw.l:none']);
  for (const g of LEVEL_GROUPS) book.sum(`vum.${g.key}`, g.levels.map((l) => `dpw.l:${l}`));
  const minLevel = versionInForce(data.standard, period.to)?.targetGroup.minFunctionLevel ?? null;
  const inTarget = LEVEL_GROUPS.filter((g) => minLevel !== null && g.levels.every((l) => l >= minLevel)).map((g) => g.key);
  if (minLevel !== null && inTarget.length > 1) {
    book.cell('vum.target', inTarget.reduce((s, k) => s + byLevel.get(k)!, 0));
    book.sum('vum.target', inTarget.map((k) => `vum.${k}`));
  }

  return {
    async render(shown: Shown) {
      const share = (id: string, of: string) => shown.share(id, of);
      const keyRows: TableRow[] = [
        { label: 'Modtagne ansøgninger', cells: [shown.count('vol.applications'), ''] },
        { label: 'Tilbagetrukne ansøgninger', cells: [shown.count('vol.withdrawn'), ''] },
        { label: 'Afgørelser i alt', cells: [shown.count(SHARED.decisions), ''], total: true },
        ...OUTCOMES.map((o) => ({ label: o.label, cells: [shown.count(o.id), share(o.id, SHARED.decisions)], sub: true })),
        { label: 'Bevillinger med kørsel', cells: [shown.count('vol.transport'), share('vol.transport', SHARED.grantsDecided)] },
        { label: 'Bevillinger uden kørsel', cells: [shown.count('vol.no-transport'), share('vol.no-transport', SHARED.grantsDecided)] },
        { label: 'Påbegyndte forløb (§ 104)', cells: [shown.count('vol.starts'), ''] },
        { label: 'Afsluttede forløb (§ 104)', cells: [shown.count('vol.ends'), ''] },
        { label: `Bevillinger i kraft ${formatDate(period.to)}`, cells: [shown.count(SHARED.grantsInEffect), ''], total: true },
      ];
      const periodRows: TableRow[] = [
        ...groups.map((g, i) => ({ label: g.label, cells: [shown.count(`vol.p${i}.applications`), shown.count(`vol.p${i}.decisions`)] })),
        { label: period.complete ? 'Hele året' : 'I alt', cells: [shown.count('vol.applications'), shown.count(SHARED.decisions)], total: true },
      ];
      const levelRows: TableRow[] = [
        ...[...byLevel.keys()].map((k) => ({
          label: k === 'none' ? 'Ingen udredning registreret' : `Niveau ${LEVEL_GROUPS.find((g) => g.key === k)!.label}`,
          cells: [shown.count(`vum.${k}`), share(`vum.${k}`, SHARED.grantsInEffect)],
        })),
        { label: 'I alt', cells: [shown.count(SHARED.grantsInEffect), ''], total: true },
      ];

      const bars = publishedBars(groups.flatMap((g, i) => [
        { label: g.label, series: 'Ansøgninger', value: shown.value(`vol.p${i}.applications`) },
        { label: g.label, series: 'Afgørelser', value: shown.value(`vol.p${i}.decisions`) },
      ]));
      const caption = groups.length > 0 ? `Ansøgninger og afgørelser pr. ${series.resolution}` : `Afgørelser ${period.year} efter udfald`;
      const figure = groups.length > 0
        ? await barFigure('fig-volume', caption, bars, groups.length * 2, { title: 'Antal', series: ['Ansøgninger', 'Afgørelser'] })
        : await barFigure('fig-volume', caption, publishedBars(OUTCOMES.map((o) => ({ label: o.label, value: shown.value(o.id) }))), OUTCOMES.length, { title: 'Afgørelser', width: 360 });

      return {
        id: 'maalgruppe',
        title: 'Målgruppe og omfang',
        text: [targetGroupText(data.standard, period.to), volumeText(shown, data.period), levelText(shown, period, minLevel, inTarget)].filter((t) => t !== ''),
        figure,
        highlights: [
          { label: 'Modtagne ansøgninger', value: shown.count('vol.applications') },
          { label: `Bevillinger i kraft ${formatDate(period.to)}`, value: shown.count(SHARED.grantsInEffect) },
        ],
        tables: [
          { caption: `Nøgletal ${period.year}`, head: ['', 'Antal', 'Andel'], rows: keyRows, ...(groups.length === 0 ? { note: resolutionNote('none')! } : {}) },
          ...(groups.length > 0
            ? [{ caption: `Ansøgninger og afgørelser pr. ${series.resolution}`, head: [resolutionHeading(series.resolution), 'Ansøgninger', 'Afgørelser'], rows: periodRows, ...(resolutionNote(series.resolution) ? { note: resolutionNote(series.resolution)! } : {}) }]
            : []),
          { caption: `Bevillinger i kraft ${formatDate(period.to)} efter funktionsniveau (VUM)`, head: ['Seneste udredning', 'Bevillinger', 'Andel'], rows: levelRows, note: 'Funktionsniveau efter Voksenudredningsmetoden (VUM), 0–4, ved seneste udredning før datoen.' },
        ],
      };
    },
  };
};

function targetGroupText(standard: Standard, on: string): string {
  const t = versionInForce(standard, on)?.targetGroup;
  if (!t) return '';
  const age = `over ${t.minAge} år${t.maxAgeIsPensionAge ? ' og under folkepensionsalderen' : ''}`;
  const level = t.minFunctionLevel === null ? '' : `, som udgangspunkt i VUM-gruppe ${t.minFunctionLevel < 4 ? `${t.minFunctionLevel}–4` : '4'}`;
  return `Efter kvalitetsstandarden er målgruppen borgere ${age} med betydeligt nedsat fysisk eller psykisk funktionsevne eller særlige sociale problemer${level}.`;
}

function volumeText(shown: Shown, period: CouncilPeriod): string {
  const apps = shown.phrase('vol.applications');
  const decisions = shown.phrase(SHARED.decisions);
  const named = OUTCOMES.flatMap((o) => {
    const p = shown.phrase(o.id);
    return p === undefined ? [] : [`${p} ${o.noun}`];
  });
  const first = apps === undefined ? '' : `${inYear(period)} blev der modtaget ${apps} ansøgninger om aktivitets- og samværstilbud.`;
  const split = named.length === 0 ? '' : named.length === OUTCOMES.length ? `: ${joinDanish(named)}` : `, heraf ${joinDanish(named)}`;
  const second = decisions === undefined ? 'Antallet af afgørelser vises ikke af hensyn til små tal.' : `Der blev truffet ${decisions} afgørelser${split}.`;
  const inEffect = shown.phrase(SHARED.grantsInEffect);
  const snap = inEffect === undefined ? '' : `${onSnapshot(period)} var ${inEffect} bevillinger i kraft.`;
  return [first, second, snap].filter((t) => t !== '').join(' ');
}

function levelText(shown: Shown, period: CouncilPeriod, minLevel: number | null, inTarget: readonly string[]): string {
  if (minLevel === null || inTarget.length === 0) return '';
  const target = shown.phrase(inTarget.length > 1 ? 'vum.target' : `vum.${inTarget[0]}`);
  const all = shown.phrase(SHARED.grantsInEffect);
  if (target === undefined || all === undefined) return '';
  return `${onSnapshot(period)} var ${target} af de ${all} bevillinger i kraft givet til borgere, der ved seneste udredning var i VUM-gruppe ${minLevel < 4 ? `${minLevel}–4` : '4'}.`;
}
