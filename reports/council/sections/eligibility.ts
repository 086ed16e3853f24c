import type { StandardVersion } from '../../../schemas/standard.ts';
import type { Shown } from '../cells.ts';
import { count } from '../data.ts';
import { formatInt, joinDanish } from '../danish.ts';
import { publishedBars } from '../figures.ts';
import { versionsInForce } from '../provenance.ts';
import { barFigure, SHARED, inYear, type SectionBuilder, type TableRow } from '../section.ts';

/**
 * 8. Regelundtagelser: grants decided in the period that break a rule of the standard version in
 * force on the received date (target group, action plan, approved providers). A rule no version
 * in force has is "gælder ikke", never 0.
 */
interface Rule {
  rule: string;
  applies(v: StandardVersion): boolean;
  label(v: readonly StandardVersion[]): string;
  /** "… til borgere under 18 år": how many grants broke it, in running text. */
  phrase(n: string, v: readonly StandardVersion[]): string;
}

const minLevel = (v: readonly StandardVersion[]) => v.map((x) => x.targetGroup.minFunctionLevel).find((l) => l !== null);

const RULES: readonly Rule[] = [
  {
    rule: 'under_18', applies: () => true,
    label: (v) => `Under ${formatInt(v.at(-1)?.targetGroup.minAge ?? 18)} år ved afgørelsen`,
    phrase: (n, v) => `${n} til borgere under ${formatInt(v.at(-1)?.targetGroup.minAge ?? 18)} år`,
  },
  {
    rule: 'over_pension_age', applies: (v) => v.targetGroup.maxAgeIsPensionAge,
    label: () => 'Over folkepensionsalderen ved afgørelsen',
    phrase: (n) => `${n} til borgere over folkepensionsalderen`,
  },
  {
    rule: 'below_function_level', applies: (v) => v.targetGroup.minFunctionLevel !== null,
    label: (v) => (minLevel(v) === undefined ? 'Funktionsniveau under standardens VUM-gruppe' : `Funktionsniveau under VUM-gruppe ${minLevel(v)}`),
    phrase: (n, v) => `${n} til borgere under VUM-gruppe ${minLevel(v) ?? ''}`.trim(),
  },
  {
    rule: 'no_action_plan', applies: (v) => v.actionPlanRequired,
    label: () => 'Ingen handleplan tilbudt inden for 30 dage',
    phrase: (n) => `${n} til borgere, der ikke fik tilbudt en handleplan inden for 30 dage`,
  },
  {
    rule: 'provider_not_approved', applies: (v) => v.providersMustBeApproved,
    label: () => 'Leverandør ikke godkendt af Socialtilsynet og optaget på Tilbudsportalen',
    phrase: (n) => `${n} til en leverandør, der ikke er godkendt af Socialtilsynet og optaget på Tilbudsportalen`,
  },
];

export const eligibilitySection: SectionBuilder = (data, book) => {
  const versions = versionsInForce(data.standard, data.period, data.processingTime);
  const grants = count(data.volume, 'granted') + count(data.volume, 'partlyGranted');
  const applicable = RULES.filter((r) => versions.some(r.applies));
  const n = (rule: string) => count(data.eligibility.find((r) => r.rule === rule) ?? {}, 'grants');
  for (const r of applicable) {
    const id = book.cell(`eli.${r.rule}`, n(r.rule));
    // The grants that keep the rule are a count a reader could subtract.
    book.derived(`${id}.rest`, grants - n(r.rule), SHARED.grantsDecided, [id]);
  }

  return {
    async render(shown: Shown) {
      const rows: TableRow[] = [
        ...RULES.map((r) => {
          const applies = applicable.includes(r);
          const v = versions.filter(r.applies);
          return {
            label: r.label(v.length > 0 ? v : versions),
            cells: applies ? [shown.count(`eli.${r.rule}`), shown.share(`eli.${r.rule}`, SHARED.grantsDecided)] : ['gælder ikke', ''],
          };
        }),
        { label: 'Bevillinger i perioden (hel eller delvis)', cells: [shown.count(SHARED.grantsDecided), ''], total: true },
      ];
      const all = shown.phrase(SHARED.grantsDecided);
      // Rules no grant broke are left out of the sentence (the table shows their 0).
      const listed = applicable.flatMap((r) => {
        const n = shown.phrase(`eli.${r.rule}`);
        return n === undefined || shown.value(`eli.${r.rule}`) === 0 ? [] : [r.phrase(n, versions.filter(r.applies))];
      });
      const none = applicable.every((r) => shown.value(`eli.${r.rule}`) === 0);
      const notApplicable = RULES.filter((r) => !applicable.includes(r));
      const text = [
        'Tabellen viser, hvor mange af periodens bevillinger der afviger fra en regel i den version af kvalitetsstandarden, der gjaldt, da ansøgningen blev modtaget. En bevilling kan afvige fra flere regler.',
        [
          all === undefined ? '' : `${inYear(data.period)} blev der givet ${all} bevillinger (hel eller delvis).`,
          none ? 'Ingen af bevillingerne afveg fra reglerne.' : listed.length === 0 ? '' : `Af bevillingerne gik ${joinDanish(listed)}.`,
        ].filter((t) => t !== '').join(' '),
        notApplicable.length === 0 ? '' : `${notApplicable.length === 1 ? 'Én regel' : `${notApplicable.length} regler`} i tabellen står ikke i kommunens kvalitetsstandard og opgøres derfor ikke.`,
      ].filter((t) => t !== '');

      const bars = publishedBars(applicable.map((r) => ({ label: r.label(versions.filter(r.applies)), value: shown.value(`eli.${r.rule}`) })));
      const caption = 'Bevillinger, der afviger fra en regel i kvalitetsstandarden';
      return {
        id: 'regelundtagelser',
        title: 'Regelundtagelser',
        text,
        figure: await barFigure('fig-rules', caption, bars, applicable.length, { title: 'Bevillinger', horizontal: true, width: 300 }),
        tables: [{ caption: 'Bevillinger efter regel', head: ['Regel', 'Bevillinger', 'Andel'], rows, note: 'Alder regnes fra første dag i fødselsmåneden. Folkepensionsalder efter lov om social pension § 1 a.' }],
      };
    },
  };
};
