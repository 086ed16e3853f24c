import type { Shown } from '../cells.ts';
import { count, num, offerName } from '../data.ts';
import { formatDate, joinDanish } from '../danish.ts';
import { publishedBars } from '../figures.ts';
import { barFigure, sentence, type SectionBuilder, type TableRow } from '../section.ts';

/**
 * 7. Overgang fra § 104 til § 82a, where an offer changed legal basis on or before the end of
 * the period: what happened to the citizens in it. A § 82a offer needs no individual decision,
 * and a § 82a decision cannot be appealed, so those who continued lost the appeal route.
 */
const CLASSES = [
  { field: 'continuedUnder82a', label: 'Fortsat under § 82a' },
  { field: 'movedTo104', label: 'Andet § 104-tilbud' },
  { field: 'ended', label: 'Stoppet' },
  { field: 'stillRecordedAs104', label: 'Stadig registreret under § 104' },
] as const;

export const migrationSection: SectionBuilder = (data, book) => {
  const rows = data.migrations;
  if (rows.length === 0) return undefined;
  const key = (i: number | 'total', c: number | 'total') => `mig.${i === 'total' ? 'all' : i}.${c === 'total' ? 'cohort' : CLASSES[c]!.field}`;
  book.table(rows.map((r) => CLASSES.map((c) => count(r, c.field))), key);
  const name = (i: number) => offerName(data.offerNames, String(rows[i]!.offerId));

  return {
    async render(shown: Shown) {
      const table: TableRow[] = rows.map((r, i) => ({
        label: `${name(i)}, ${formatDate(String(r.effectiveDate))}`,
        cells: [shown.count(key(i, 'total')), ...CLASSES.map((_, c) => shown.count(key(i, c))), shown.days(num(r, 'medianGapDays'), [key(i, 0), key(i, 1)])],
      }));
      if (rows.length > 1) table.push({ label: 'I alt', cells: [shown.count(key('total', 'total')), ...CLASSES.map((_, c) => shown.count(key('total', c))), ''], total: true });

      const text = rows.map((r, i) => {
        const cohort = shown.phrase(key(i, 'total'));
        const classes = CLASSES.map((c, j) => [shown.phrase(key(i, j)), c.field] as const).filter(([p]) => p !== undefined);
        const what: Record<string, string> = {
          continuedUnder82a: 'fortsatte i tilbuddet under § 82a',
          movedTo104: 'fik et andet § 104-tilbud',
          ended: 'stoppede',
          stillRecordedAs104: 'er stadig registreret med et § 104-forløb i tilbuddet',
        };
        return [
          `${name(i)} overgik fra § 104 til § 82a den ${formatDate(String(r.effectiveDate))}.`,
          cohort === undefined ? '' : `${cohort} borgere havde et § 104-forløb i tilbuddet dagen før.`,
          classes.length === 0 ? '' : `${sentence(joinDanish(classes.map(([p, f], j) => `${p}${j === 0 ? ' af dem' : ''} ${what[f]}`)))}.`,
        ].filter((t) => t !== '').join(' ');
      });
      text.push('Et § 82a-tilbud gives uden individuel afgørelse, og en afgørelse efter § 82a kan ikke påklages til Ankestyrelsen. Borgere, der fortsatte under § 82a, har derfor ikke længere klageadgang, og de indgår ikke i rapportens øvrige § 104-tal.');

      const series = rows.length > 1 ? rows.map((_, i) => name(i)) : undefined;
      const bars = publishedBars(rows.flatMap((_, i) => CLASSES.map((c, j) => ({ label: c.label, value: shown.value(key(i, j)), ...(series ? { series: series[i]! } : {}) }))));
      const caption = 'Borgere i tilbud, der skiftede fra § 104 til § 82a';
      return {
        id: 'paragraf-82a',
        title: 'Overgang fra § 104 til § 82a',
        text,
        figure: await barFigure('fig-82a', caption, bars, rows.length * CLASSES.length, { title: 'Borgere', horizontal: true, width: 360, ...(series ? { series } : {}) }),
        highlights: [{ label: 'Borgere uden klageadgang efter overgang til § 82a', value: shown.count(key(rows.length > 1 ? 'total' : 0, 0)) }],
        tables: [{
          caption: 'Borgere i tilbuddet dagen før skiftet, og hvad der skete inden for 90 dage',
          head: ['Tilbud og skiftedato', 'Borgere', 'Fortsat § 82a', 'Andet § 104', 'Stoppet', 'Stadig § 104', 'Median pause (dage)'],
          rows: table,
          note: 'Borgere: med et § 104-forløb i tilbuddet dagen før skiftet. Fortsat § 82a: start i samme tilbud under § 82a inden for 90 dage. Andet § 104: start i et andet § 104-tilbud inden for 90 dage. Stadig § 104: forløbet i tilbuddet er ikke afsluttet i data. Pause: dage mellem sidste § 104-dag og næste start.',
        }],
      };
    },
  };
};
