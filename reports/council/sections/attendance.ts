import { percent, type Shown } from '../cells.ts';
import { count, offerName } from '../data.ts';
import { formatDate, formatThresholdPct } from '../danish.ts';
import { publishedBars } from '../figures.ts';
import { barFigure, inYear, type SectionBuilder, type TableRow } from '../section.ts';
import { versionInForce } from '../../../schemas/standard.ts';

/**
 * 4. Fremmøde og fravær: planned days by offer (attended, cancelled, no-show) with the absence
 * rate, and the cases flagged for many cancellations at the end of the period.
 */
const STATUSES = [
  { field: 'attended', label: 'Fremmødt' },
  { field: 'cancelled', label: 'Afbud' },
  { field: 'noShow', label: 'Udeblevet' },
] as const;

export const attendanceSection: SectionBuilder = (data, book) => {
  const { period } = data;
  const offers = [...new Set([...data.absence.map((r) => String(r.offerId)), ...data.absenceFlags.map((r) => String(r.offerId))])];
  const row = (offer: string) => data.absence.find((r) => r.offerId === offer) ?? {};
  const key = (i: number | 'total') => (i === 'total' ? 'abs.all' : `abs.o:${offers[i]}`);
  if (offers.length > 0) {
    book.table(offers.map((o) => STATUSES.map((s) => count(row(o), s.field))), (r, c) =>
      `${key(r)}.${c === 'total' ? 'planned' : STATUSES[c]!.field}`);
  } else {
    // no offer had planned days (a year without data): the total row holds zeros
    for (const s of STATUSES) book.cell(`abs.all.${s.field}`, 0);
    book.cell('abs.all.planned', 0);
    book.sum('abs.all.planned', STATUSES.map((s) => `abs.all.${s.field}`));
  }
  const flagKey = (i: number) => `flag.o:${offers[i]}`;
  offers.forEach((o, i) => book.cell(flagKey(i), data.absenceFlags.filter((r) => r.offerId === o).length));
  book.cell('flag.all', data.absenceFlags.length);
  book.sum('flag.all', offers.map((_, i) => flagKey(i)));

  return {
    async render(shown: Shown) {
      const cellsOf = (k: string) => STATUSES.map((s) => `${k}.${s.field}`);
      const rate = (k: string) => {
        const [attended, cancelled, noShow] = cellsOf(k).map((id) => shown.value(id));
        if (attended === undefined || cancelled === undefined || noShow === undefined) return undefined;
        const planned = attended + cancelled + noShow;
        return planned === 0 ? null : percent(cancelled + noShow, planned);
      };
      const rows: TableRow[] = [
        ...offers.map((o, i) => ({
          label: offerName(data.offerNames, o),
          cells: [...cellsOf(key(i)).map((id) => shown.count(id)), shown.count(`${key(i)}.planned`), shown.pct(rate(key(i)) ?? null, cellsOf(key(i))), shown.count(flagKey(i))],
        })),
        { label: 'I alt', cells: [...cellsOf('abs.all').map((id) => shown.count(id)), shown.count('abs.all.planned'), shown.pct(rate('abs.all') ?? null, cellsOf('abs.all')), shown.count('flag.all')], total: true },
      ];
      const version = versionInForce(data.standard, period.to);
      const threshold = version?.absenceFlagPct ?? 30;
      const planned = shown.phrase('abs.all.planned');
      const total = shown.pctPhrase(rate('abs.all') ?? null, cellsOf('abs.all'));
      const flagged = shown.phrase('flag.all');
      const text = [
        [
          planned === undefined ? '' : `${inYear(period)} var der planlagt ${planned} fremmødedage i tilbuddene.`,
          total === undefined ? '' : `Afbud og udeblivelser udgjorde ${total} af de planlagte dage.`,
        ].filter((t) => t !== '').join(' '),
        flagged === undefined ? '' : `Den ${formatDate(period.to)} var der ${flagged} sager med mange afbud: mindst 8 planlagte dage og mindst ${formatThresholdPct(threshold)} fravær i de seneste 56 dage. Grænsen på ${formatThresholdPct(threshold)} står ikke i kvalitetsstandarden, men er fastsat i opgørelsens konfiguration.`,
      ].filter((t) => t !== '');

      const bars = publishedBars(offers.map((o, i) => {
        const r = rate(key(i));
        return { label: offerName(data.offerNames, o), value: r === null ? undefined : r };
      }));
      const caption = 'Fravær i procent af de planlagte dage, pr. tilbud';
      return {
        id: 'fremmoede',
        title: 'Fremmøde og fravær',
        text,
        figure: await barFigure('fig-absence', caption, bars, offers.length, { title: 'Fravær (%)', horizontal: true, pct: true, zoom: true, width: 380 }),
        highlights: [{ label: 'Fravær (afbud og udeblivelser)', value: shown.pct(rate('abs.all') ?? null, cellsOf('abs.all')) }],
        tables: [{
          caption: `Planlagte dage pr. tilbud ${period.year}`,
          head: ['Tilbud', ...STATUSES.map((s) => s.label), 'Planlagt', 'Fravær', 'Mange afbud'],
          rows,
          note: `Fravær: afbud og udeblivelser i procent af de planlagte dage. Mange afbud: sager med mindst 8 planlagte dage og mindst ${formatThresholdPct(threshold)} fravær i de 56 dage til og med ${formatDate(period.to)}.`,
        }],
      };
    },
  };
};
