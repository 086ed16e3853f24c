import type { Shown } from '../cells.ts';
import { percent } from '../cells.ts';
import { count, num } from '../data.ts';
import { formatInt } from '../danish.ts';
import { DEFAULT_THRESHOLD } from '../../suppression.ts';
import { publishedBars } from '../figures.ts';
import { barFigure, SHARED, inYear, sentence, type SectionBuilder, type TableRow } from '../section.ts';
import { versionInForce } from '../../../schemas/standard.ts';

/**
 * 6. Klager og Ankestyrelsen: complaints about decisions, the reassessment, forwarding to
 * Ankestyrelsen within the deadline, Ankestyrelsen's outcomes and the omgørelsesprocent
 * ((hjemvist + ændret/ophævet) ÷ (those + stadfæstet); afviste sager left out).
 */
const APPEALS = [
  { field: 'upheld', id: 'cpl.upheld', label: 'stadfæstet' },
  { field: 'changedOrAnnulled', id: 'cpl.changed', label: 'ændret eller ophævet' },
  { field: 'remitted', id: 'cpl.remitted', label: 'hjemvist' },
  { field: 'dismissed', id: 'cpl.dismissed', label: 'afvist eller henvist' },
] as const;
const REASSESSED = [
  { field: 'fullReversal', id: 'cpl.full', label: 'givet fuldt medhold' },
  { field: 'partial', id: 'cpl.partial', label: 'givet delvist medhold' },
  { field: 'maintained', id: 'cpl.maintained', label: 'afgørelsen fastholdt' },
] as const;

/**
 * The count behind a report percentage, or undefined when the percentage does not give it back
 * (its denominator is not the one assumed). Exact for denominators below 1.000. Of none, none
 * (the percentage is null then): shown as 0, not as withheld.
 */
function countBehind(pct: number | null, of: number): number | undefined {
  if (of === 0) return 0;
  if (pct === null) return undefined;
  const n = Math.round((pct * of) / 100);
  return percent(n, of) === pct ? n : undefined;
}

export const complaintsSection: SectionBuilder = (data, book) => {
  const { complaints: c, period } = data;
  const complaints = count(c, 'complaints');
  book.cell(SHARED.decisions, count(c, 'decisions'));
  book.cell('cpl.complaints', complaints);
  book.cell('cpl.casehandling', count(c, 'caseHandlingComplaints'));

  const timely = countBehind(num(c, 'timelyPct'), complaints);
  if (timely !== undefined) {
    book.cell('cpl.timely', timely);
    book.cell('cpl.untimely', complaints - timely);
    book.sum('cpl.complaints', ['cpl.timely', 'cpl.untimely']);
  }

  for (const r of REASSESSED) book.cell(r.id, count(c, r.field));
  const notYet = complaints - REASSESSED.reduce((s, r) => s + count(c, r.field), 0);
  if (notYet >= 0) {
    book.cell('cpl.notyet', notYet);
    book.sum('cpl.complaints', [...REASSESSED.map((r) => r.id), 'cpl.notyet']);
  }
  const maintained = count(c, 'partial') + count(c, 'maintained');
  book.cell('cpl.pm', maintained);
  book.sum('cpl.pm', ['cpl.partial', 'cpl.maintained']);
  const onTime = countBehind(num(c, 'forwardedOnTimePct'), maintained);
  if (onTime !== undefined) {
    book.cell('cpl.fwd.ontime', onTime);
    book.cell('cpl.fwd.late', maintained - onTime);
    book.sum('cpl.pm', ['cpl.fwd.ontime', 'cpl.fwd.late']);
  }

  const forwarded = count(c, 'forwarded');
  book.cell('cpl.forwarded', forwarded);
  for (const a of APPEALS) book.cell(a.id, count(c, a.field));
  const pending = forwarded - APPEALS.reduce((s, a) => s + count(c, a.field), 0);
  // With 1–4 forwarded, every outcome is 1–4 or 0 and a printed "awaiting" row can leave the
  // marks one way to add up (Roskilde 2020 on the demo data: <5 = <5 + <5 + 0 + <5 + <5 pins
  // 4 = 1 + 1 + 0 + 1 + 1): the row is left out, the count kept in the system unprinted.
  const pendingRow = pending >= 0 && (forwarded === 0 || forwarded >= DEFAULT_THRESHOLD);
  if (pending >= 0) {
    if (pendingRow) book.cell('cpl.pending', pending);
    else book.unpublished('cpl.pending', pending);
    book.sum('cpl.forwarded', [...APPEALS.map((a) => a.id), 'cpl.pending']);
  }
  const reversal = ['cpl.upheld', 'cpl.changed', 'cpl.remitted'];

  return {
    async render(shown: Shown) {
      const v = versionInForce(data.standard, period.to);
      const window = v ? `${formatInt(v.complaintWindowDays)} dage` : '4 uger';
      const forwardWithin = v ? `${formatInt(v.forwardWithinDays)} dage` : '4 uger';
      const maybe = (id: string) => (shown.system.values.has(id) ? shown.count(id) : '.');
      const maybeShare = (id: string, of: string) => (shown.system.values.has(id) ? shown.share(id, of) : '.');
      const rows: TableRow[] = [
        { label: 'Afgørelser i perioden', cells: [shown.count(SHARED.decisions), ''] },
        { label: 'Klager over afgørelser', cells: [shown.count('cpl.complaints'), ''], total: true },
        { label: `klaget inden for ${window}`, cells: [maybe('cpl.timely'), maybeShare('cpl.timely', 'cpl.complaints')], sub: true },
        { label: 'klaget senere', cells: [maybe('cpl.untimely'), maybeShare('cpl.untimely', 'cpl.complaints')], sub: true },
        ...REASSESSED.map((r) => ({ label: `genvurderet: ${r.label}`, cells: [shown.count(r.id), ''], sub: true })),
        ...(notYet >= 0 ? [{ label: 'endnu ikke genvurderet', cells: [shown.count('cpl.notyet'), ''], sub: true }] : []),
        { label: 'Afgørelsen fastholdt helt eller delvist', cells: [shown.count('cpl.pm'), ''], total: true },
        { label: `sendt til Ankestyrelsen inden for ${forwardWithin}`, cells: [maybe('cpl.fwd.ontime'), maybeShare('cpl.fwd.ontime', 'cpl.pm')], sub: true },
        { label: 'sendt senere eller ikke sendt', cells: [maybe('cpl.fwd.late'), maybeShare('cpl.fwd.late', 'cpl.pm')], sub: true },
        { label: 'Sendt til Ankestyrelsen', cells: [shown.count('cpl.forwarded'), ''], total: true },
        ...APPEALS.map((a) => ({ label: `Ankestyrelsen: ${a.label}`, cells: [shown.count(a.id), ''], sub: true })),
        ...(pendingRow ? [{ label: 'afventer Ankestyrelsen', cells: [shown.count('cpl.pending'), ''], sub: true }] : []),
        { label: 'Omgørelsesprocent', cells: ['', shown.pct(num(c, 'reversalRatePct'), reversal)], total: true },
        { label: 'Klager over sagsbehandlingen', cells: [shown.count('cpl.casehandling'), ''] },
      ];

      const text: string[] = [];
      const complaintsPhrase = shown.phrase('cpl.complaints');
      const decisionsPhrase = shown.phrase(SHARED.decisions);
      // the deadlines are said whether or not the counts may be shown
      const counted = complaintsPhrase !== undefined
        ? `${inYear(period)} blev der modtaget ${complaintsPhrase} klager over afgørelser om aktivitets- og samværstilbud${decisionsPhrase === undefined ? '' : `, og der blev truffet ${decisionsPhrase} afgørelser`}. `
        : `Antallet af klager over afgørelser ${inYear(period).toLowerCase()} vises ikke af hensyn til små tal. `;
      text.push(`${counted}Klagefristen er ${window}, og fastholder kommunen afgørelsen helt eller delvist, skal klagen sendes til Ankestyrelsen inden for ${forwardWithin}.`);
      const appeals = APPEALS.slice(0, 3).map((a) => [shown.phrase(a.id), a.label] as const).filter(([p]) => p !== undefined);
      const rate = shown.pctPhrase(num(c, 'reversalRatePct'), reversal);
      const forwardedPhrase = shown.phrase('cpl.forwarded');
      text.push(sentence([
        forwardedPhrase === undefined ? '' : `${forwardedPhrase} klager blev sendt til Ankestyrelsen.`,
        appeals.length === 0 ? '' : `Ankestyrelsens afgørelser: ${appeals.map(([p, l]) => `${p} ${l}`).join(', ')}.`,
        rate !== undefined ? `Omgørelsesprocenten var ${rate}.` : num(c, 'reversalRatePct') === null ? 'Ankestyrelsen har ikke realitetsbehandlet klager fra perioden, så der er ingen omgørelsesprocent.' : 'Omgørelsesprocenten vises ikke af hensyn til små tal.',
      ].filter((t) => t !== '').join(' ')));

      const steps = [
        { id: 'cpl.complaints', label: 'Klager over afgørelser' },
        { id: 'cpl.full', label: 'Fuldt medhold ved genvurdering' },
        { id: 'cpl.pm', label: 'Fastholdt helt eller delvist' },
        { id: 'cpl.forwarded', label: 'Sendt til Ankestyrelsen' },
        ...APPEALS.map((a) => ({ id: a.id, label: `Ankestyrelsen: ${a.label}` })),
      ];
      const bars = publishedBars(steps.map((s) => ({ label: s.label, value: shown.value(s.id) })));
      const caption = 'Fra klage til Ankestyrelsens afgørelse';
      return {
        id: 'klager',
        title: 'Klager og Ankestyrelsens afgørelser',
        text,
        figure: await barFigure('fig-complaints', caption, bars, steps.length, { title: 'Antal', horizontal: true, width: 360 }),
        highlights: [
          { label: 'Klager over afgørelser', value: shown.count('cpl.complaints') },
          { label: 'Omgørelsesprocent i Ankestyrelsen', value: shown.pct(num(c, 'reversalRatePct'), reversal) },
        ],
        tables: [{
          caption: 'Klager over afgørelser i perioden',
          head: ['', 'Antal', 'Andel'],
          rows,
          note: 'Klagerne er opgjort efter modtagelsesdato. Omgørelsesprocent: (hjemvist + ændret/ophævet) ÷ (hjemvist + ændret/ophævet + stadfæstet); afviste sager indgår ikke. Klager over sagsbehandlingen behandles af afdelingslederen og sendes ikke til Ankestyrelsen.',
        }],
      };
    },
  };
};
