import { mergeSmall, type Shown } from '../cells.ts';
import { count, offerName } from '../data.ts';
import { daysLabel, formatDate, joinDanish } from '../danish.ts';
import { publishedBars } from '../figures.ts';
import { barFigure, SHARED, type SectionBuilder, type TableRow } from '../section.ts';
import { versionInForce } from '../../../schemas/standard.ts';

/**
 * 3. Dage om ugen: the grants in effect at the end of the period by days per week (1–5), in all
 * and by offer; the offer table's margins are the distribution and the grants in effect.
 */
const DAYS = [1, 2, 3, 4, 5] as const;

export const daysPerWeekSection: SectionBuilder = (data, book) => {
  const { period } = data;
  const byDays = new Map(data.daysPerWeek.map((r) => [Number(r.daysPerWeek), count(r, 'grants')]));
  for (const d of DAYS) book.cell(`dpw.d${d}`, byDays.get(d) ?? 0);
  book.sum(SHARED.grantsInEffect, DAYS.map((d) => `dpw.d${d}`));

  // By offer as totals only (offers × days is mostly small numbers at a municipality's scale),
  // the offers with few grants merged into "Øvrige tilbud".
  const grantsAt = (o: string) => data.daysPerWeekByOffer.filter((r) => r.offerId === o).reduce((s, r) => s + count(r, 'grants'), 0);
  const { kept: offers, merged } = mergeSmall([...new Set(data.daysPerWeekByOffer.map((r) => String(r.offerId)))], grantsAt);
  const offerKey = (i: number) => `dpw.o:${offers[i]}`;
  offers.forEach((o, i) => book.cell(offerKey(i), grantsAt(o)));
  if (merged.length > 0) book.cell('dpw.o:other', merged.reduce((s, o) => s + grantsAt(o), 0));
  book.sum(SHARED.grantsInEffect, [...offers.map((_, i) => offerKey(i)), ...(merged.length > 0 ? ['dpw.o:other'] : [])]);

  return {
    async render(shown: Shown) {
      const range = versionInForce(data.standard, period.to)?.daysPerWeek;
      const listed = DAYS.map((d) => [shown.phrase(`dpw.d${d}`), d] as const).filter(([p]) => p !== undefined).map(([p, d]) => `${p} på ${daysLabel(d)}`);
      const all = shown.phrase(SHARED.grantsInEffect);
      const text = [
        range ? `Efter kvalitetsstandarden kan tilbuddet bevilges ${range.min === range.max ? daysLabel(range.min) : `fra ${range.min} til ${range.max} dage`} om ugen.` : '',
        all === undefined ? '' : `Af de ${all} bevillinger i kraft den ${formatDate(period.to)} var ${joinDanish(listed)} om ugen.`,
      ].filter((t) => t !== '');

      const bars = publishedBars(DAYS.map((d) => ({ label: daysLabel(d), value: shown.value(`dpw.d${d}`) })));
      const caption = `Bevillinger i kraft ${formatDate(period.to)} efter dage om ugen`;
      const total: TableRow = { label: 'I alt', cells: [shown.count(SHARED.grantsInEffect), ''], total: true };
      const dayRows: TableRow[] = [...DAYS.map((d) => ({ label: daysLabel(d), cells: [shown.count(`dpw.d${d}`), shown.share(`dpw.d${d}`, SHARED.grantsInEffect)] })), total];
      const offerRows: TableRow[] = [
        ...offers.map((o, i) => ({ label: offerName(data.offerNames, o), cells: [shown.count(offerKey(i)), shown.share(offerKey(i), SHARED.grantsInEffect)] })),
        ...(merged.length > 0 ? [{ label: 'Øvrige tilbud¹', cells: [shown.count('dpw.o:other'), shown.share('dpw.o:other', SHARED.grantsInEffect)] }] : []),
        total,
      ];
      const mergedNote = merged.length > 0 ? ` ¹ Tilbud med færre end 5 bevillinger er lagt sammen, om nødvendigt med de næstmindste, så summen er mindst 5: ${merged.map((o) => offerName(data.offerNames, o)).join(', ')}.` : '';
      return {
        id: 'dage',
        title: 'Dage om ugen',
        text,
        figure: await barFigure('fig-days', caption, bars, DAYS.length, { title: 'Bevillinger', width: 420 }),
        tables: [
          { caption: `Bevillinger i kraft ${formatDate(period.to)} efter dage om ugen`, head: ['Dage om ugen', 'Bevillinger', 'Andel'], rows: dayRows },
          { caption: `Bevillinger i kraft ${formatDate(period.to)} efter tilbud`, head: ['Tilbud', 'Bevillinger', 'Andel'], rows: offerRows, note: `Tilbuddet er det bevilgede eller det seneste ændrede før datoen.${mergedNote}` },
        ],
      };
    },
  };
};
