import type { Row } from '../../runner.ts';
import type { CountBook, Shown } from '../cells.ts';
import { count, num } from '../data.ts';
import type { CouncilPeriod } from '../period.ts';
import { formatDate, formatInt, joinDanish } from '../danish.ts';
import { resolutionHeading, resolutionNote, seriesGroups } from '../series.ts';
import { curveSpec, renderSvg, type DeadlineRule } from '../figures.ts';
import { registerCurve } from './curve.ts';
import { NOTHING_TO_CHART, SHARED, inYear, onSnapshot, type SectionBuilder, type TableRow } from '../section.ts';

/**
 * 2. Sagsbehandlingstid: decisions within the deadline of the standard version in force on the
 * received date, by version and by quarter, the processing-time curve with the deadlines drawn
 * as rules, and the applications still open at the end of the period.
 */
type Category = 'within' | 'late' | 'none';

const versionKey = (id: string): string => `pt.v:${id}`;
const hasDeadline = (r: Row): boolean => r.deadlineWeeks !== null;
const categoryCount = (r: Row, c: Category): number => {
  const decided = count(r, 'decided'), within = count(r, 'withinDeadline');
  if (!hasDeadline(r)) return c === 'none' ? decided : 0;
  return c === 'within' ? within : c === 'late' ? decided - within : 0;
};

export const processingTimeSection: SectionBuilder = (data, book) => {
  const { period, standard } = data;
  const inPlay = data.processingTime.filter((r) => count(r, 'decided') > 0 || count(r, 'open') > 0);
  const versions = inPlay.length > 0 ? inPlay : data.processingTime.slice(-1);
  const categories: Category[] = [
    ...(versions.some(hasDeadline) ? (['within', 'late'] as const) : []),
    ...(versions.some((r) => !hasDeadline(r)) ? (['none'] as const) : []),
  ];
  const vid = (i: number) => String(versions[i]!.standardVersion);
  book.table(versions.map((r) => categories.map((c) => categoryCount(r, c))), (r, c) =>
    `${r === 'total' ? 'pt.all' : versionKey(vid(r))}.${c === 'total' ? 'decided' : categories[c]!}`);

  // The quarters (or half-years), summed over versions, share the year's margins.
  const inGroup = (rows: readonly Row[]) => categories.map((c) => rows.reduce((s, r) => s + categoryCount(r, c), 0));
  const series = seriesGroups(data.processingTimeByQuarter, (rows) => [...inGroup(rows), rows.reduce((s, r) => s + count(r, 'decided'), 0)]);
  const groups = series.groups;
  if (groups.length > 0) {
    book.table(groups.map((g) => inGroup(g.rows)), (r, c) => `pt.${r === 'total' ? 'all' : `p${r}`}.${c === 'total' ? 'decided' : categories[c]!}`);
  }

  // The year's decisions (section 1) are its first decisions on applications (decided here) and
  // the later ones: a reader who sees one total knows the other is at least, or at most, as large,
  // which can pin a small count; the later decisions, never printed, make that a sum.
  const firstDecisions = versions.reduce((s, r) => s + count(r, 'decided'), 0);
  const later = count(data.volume, 'decisions') - firstDecisions;
  if (later >= 0 && categories.length > 0) book.sum(SHARED.decisions, ['pt.all.decided', book.unpublished('pt.later-decisions', later)]);

  const open = registerOpen(book, versions);
  const curve = registerCurve(book, data.curve, { decided: 'pt.all.decided', within: 'pt.all.within', late: 'pt.all.late' }, versions.map((r) => ({
    key: versionKey(String(r.standardVersion)), decided: count(r, 'decided'), within: num(r, 'withinDeadline'), deadlineWeeks: num(r, 'deadlineWeeks'),
  })));

  return {
    async render(shown: Shown) {
      const withDeadline = categories.includes('within');
      const single = versions.length === 1 ? versions[0]! : undefined;
      const versionHead = ['Version (ansøgninger modtaget fra)', 'Frist', 'Afgjort', ...(withDeadline ? ['Inden for fristen', 'Efter fristen', 'Andel inden for'] : []), 'Median (dage)', '90 %-fraktil (dage)'];
      const compliance = (prefix: string) => (withDeadline ? [shown.count(`${prefix}.within`), shown.count(`${prefix}.late`), shown.share(`${prefix}.within`, `${prefix}.decided`)] : []);
      const versionRows: TableRow[] = versions.map((r, i) => {
        const from = standard.versions.find((v) => v.id === r.standardVersion)?.effectiveFrom;
        const restsOn = [`${versionKey(vid(i))}.decided`];
        return {
          label: `${vid(i)}${from ? ` (${formatDate(from)})` : ''}`,
          cells: [
            hasDeadline(r) ? `${num(r, 'deadlineWeeks')} uger` : 'Ingen',
            shown.count(`${versionKey(vid(i))}.decided`),
            ...(hasDeadline(r) ? compliance(versionKey(vid(i))) : withDeadline ? ['–', '–', '–'] : []),
            shown.days(num(r, 'medianDays'), restsOn),
            shown.days(num(r, 'p90Days'), restsOn),
          ],
        };
      });
      if (versions.length > 1) versionRows.push({ label: 'I alt', cells: ['', shown.count('pt.all.decided'), ...compliance('pt.all'), '', ''], total: true });

      // Medians by quarter come from the report; a half-year's would need the cases themselves.
      const medians = single !== undefined && series.resolution === 'kvartal';
      const periodRows: TableRow[] = groups.map((g, i) => {
        const own = g.rows.find((r) => r.standardVersion === single?.standardVersion);
        return {
          label: g.label,
          cells: [shown.count(`pt.p${i}.decided`), ...compliance(`pt.p${i}`), ...(medians ? [shown.days(own ? num(own, 'medianDays') : null, [`pt.p${i}.decided`])] : [])],
        };
      });
      periodRows.push({ label: period.complete ? 'Hele året' : 'I alt', cells: [shown.count('pt.all.decided'), ...compliance('pt.all'), ...(medians ? [shown.days(num(single!, 'medianDays'), ['pt.all.decided'])] : [])], total: true });

      const openRows: TableRow[] = [
        { label: 'Ansøgninger under behandling', cells: [shown.count('pt.open')], total: true },
        ...(open.deadline ? [
          { label: 'mindre end 75 % af fristen brugt', cells: [shown.count('pt.open.ontrack')], sub: true },
          { label: 'i risiko (mindst 75 % af fristen brugt)', cells: [shown.count('pt.open.atrisk')], sub: true },
          { label: 'fristen overskredet', cells: [shown.count('pt.open.overdue')], sub: true },
          { label: 'heraf borgeren orienteret om ny frist', cells: [shown.count('pt.open.notified')], sub: true },
          { label: 'heraf borgeren ikke orienteret', cells: [shown.count('pt.open.unnotified')], sub: true },
        ] : []),
        ...(open.deadline && open.none ? [{ label: 'uden frist', cells: [shown.count('pt.open.nodeadline')], sub: true }] : []),
      ];

      const rules: DeadlineRule[] = [...new Set(versions.filter(hasDeadline).map((r) => Number(r.deadlineWeeks)))]
        .map((weeks) => ({ weeks, label: `Frist ${weeks} uger` }));
      const points = curve.points(shown);
      const caption = 'Andel af afgørelserne truffet inden for et givet antal uger';
      const curveNote = [
        'Hvert punkt viser, hvor stor en andel af periodens afgørelser der var truffet inden for så mange uger efter ansøgningen. Der er mindst 5 afgørelser mellem to punkter, så enkeltsager ikke kan udledes.',
        ...(rules.length > 0 ? ['Stiplet linje: sagsbehandlingsfristen i kvalitetsstandarden.'] : ['Kvalitetsstandarden fastsætter ingen frist.']),
        ...(points.truncated || (points.points.at(-1)?.sharePct ?? 100) < 100 ? ['Kurven stopper ved det sidste punkt, der kan vises uden at afsløre små tal.'] : []),
      ].join(' ');

      return {
        id: 'sagsbehandlingstid',
        title: 'Sagsbehandlingstid',
        text: texts(shown, data.period, versions, categories, standard.versions.length),
        figure: points.points.length === 0
          ? { caption, note: NOTHING_TO_CHART }
          : { caption, svg: await renderSvg('fig-curve', curveSpec(points.points, rules), caption), note: curveNote },
        highlights: [
          withDeadline && rules.length === 1 && !categories.includes('none')
            ? { label: `Afgjort inden for fristen på ${rules[0]!.weeks} uger`, value: shown.share('pt.all.within', 'pt.all.decided') }
            : single
              ? { label: 'Median sagsbehandlingstid (dage)', value: shown.days(num(single, 'medianDays'), ['pt.all.decided']) }
              : { label: 'Afgørelser om ansøgninger', value: shown.count('pt.all.decided') },
        ],
        tables: [
          { caption: 'Afgørelser efter kvalitetsstandardens version', head: versionHead, rows: versionRows, note: 'Fristen er den, der gjaldt, da ansøgningen blev modtaget. Sagsbehandlingstid: dage fra modtaget ansøgning til første afgørelse; tilbagetrukne ansøgninger indgår ikke.' },
          ...(groups.length > 0
            ? [{
              caption: `Afgørelser pr. ${series.resolution}`,
              head: [resolutionHeading(series.resolution), 'Afgjort', ...(withDeadline ? ['Inden for fristen', 'Efter fristen', 'Andel inden for'] : []), ...(medians ? ['Median (dage)'] : [])],
              rows: periodRows,
              ...(resolutionNote(series.resolution) ? { note: resolutionNote(series.resolution)! } : {}),
            }]
            : []),
          { caption: `Ansøgninger under behandling ${formatDate(period.to)}`, head: ['', 'Antal'], rows: openRows },
        ],
      };
    },
  };
};

/** Open applications on the snapshot date, with their parts, so no part can be subtracted out. */
function registerOpen(book: CountBook, versions: readonly Row[]): { deadline: boolean; none: boolean } {
  const withDeadline = versions.filter(hasDeadline), without = versions.filter((r) => !hasDeadline(r));
  const sum = (rows: readonly Row[], f: string) => rows.reduce((s, r) => s + count(r, f), 0);
  const parts: string[] = [];
  if (withDeadline.length > 0) {
    const openD = sum(withDeadline, 'open'), atRisk = sum(withDeadline, 'atRisk'), overdue = sum(withDeadline, 'overdue'), unnotified = sum(withDeadline, 'overdueWithoutNotice');
    parts.push(book.cell('pt.open.ontrack', openD - atRisk - overdue), book.cell('pt.open.atrisk', atRisk), book.cell('pt.open.overdue', overdue));
    book.cell('pt.open.notified', overdue - unnotified);
    book.cell('pt.open.unnotified', unnotified);
    book.sum('pt.open.overdue', ['pt.open.notified', 'pt.open.unnotified']);
  }
  if (without.length > 0) parts.push(book.cell('pt.open.nodeadline', sum(without, 'open')));
  book.cell('pt.open', sum(versions, 'open'));
  book.sum('pt.open', parts);
  return { deadline: withDeadline.length > 0, none: without.length > 0 };
}

function texts(shown: Shown, period: CouncilPeriod, versions: readonly Row[], categories: readonly Category[], versionCount: number): string[] {
  const out: string[] = [];
  const decided = shown.phrase('pt.all.decided');
  const first = decided === undefined ? '' : `${inYear(period)} blev der truffet afgørelse i ${decided} sager om ansøgninger. `;
  if (!categories.includes('within')) {
    out.push(`${first}Kvalitetsstandarden fastsætter ingen sagsbehandlingsfrist, så det kan ikke opgøres, hvor mange afgørelser der blev truffet inden for en frist.`);
  } else {
    const withDeadline = versions.filter(hasDeadline);
    const weeks = [...new Set(withDeadline.map((r) => Number(r.deadlineWeeks)))];
    const share = shown.published('pt.all.within', 'pt.all.late', 'pt.all.decided') && shown.value('pt.all.decided')! > 0 ? shown.share('pt.all.within', 'pt.all.decided') : undefined;
    if (weeks.length === 1 && categories.length === 2) {
      const deadline = `fristen på ${weeks[0]} uger`;
      out.push(share === undefined
        ? `${first}Andelen, der blev truffet inden for ${deadline}, vises ikke af hensyn til små tal.`
        : decided === undefined
          ? `${inYear(period)} blev ${share} af afgørelserne truffet inden for ${deadline}.`
          : `${inYear(period)} blev der truffet afgørelse i ${decided} sager om ansøgninger, og ${share} af afgørelserne blev truffet inden for ${deadline}.`);
    } else {
      const per = withDeadline.map((r) => {
        const key = versionKey(String(r.standardVersion));
        const pct = shown.pctPhrase(num(r, 'compliancePct'), [`${key}.within`, `${key}.late`]);
        return pct === undefined ? undefined : `${pct} af afgørelserne efter ${String(r.standardVersion)} (frist ${formatInt(Number(r.deadlineWeeks))} uger)`;
      }).filter((s): s is string => s !== undefined);
      out.push(`${first}${versionCount > 1 ? 'Fristen afhænger af, hvilken version af kvalitetsstandarden der gjaldt, da ansøgningen blev modtaget. ' : ''}${per.length > 0 ? `Inden for fristen blev truffet ${joinDanish(per)}.` : 'Andelene inden for fristen vises ikke af hensyn til små tal.'}`);
    }
  }
  if (versions.length === 1) {
    const r = versions[0]!;
    const median = shown.published('pt.all.decided') ? num(r, 'medianDays') : null;
    const p90 = shown.published('pt.all.decided') ? num(r, 'p90Days') : null;
    if (median !== null && p90 !== null) out.push(`Den mediane sagsbehandlingstid var ${formatInt(median)} dage, og 90 % af afgørelserne blev truffet inden for ${formatInt(p90)} dage.`);
  }
  const open = shown.phrase('pt.open');
  if (open !== undefined) {
    const overdue = categories.includes('within') ? shown.phrase('pt.open.overdue') : undefined;
    out.push(`${onSnapshot(period)} var ${open} ansøgninger under behandling${overdue === undefined ? '' : `; i ${overdue} af dem var fristen overskredet`}.`);
  }
  return out;
}
