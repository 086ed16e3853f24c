import type { TopLevelSpec } from 'vega-lite';

/**
 * The dashboards: pages of Vega-Lite charts, each fed by one report of the API. A chart's spec
 * names its data `rows`; the page fills it with the report's JSON rows. Every chart has a title,
 * an accessible description and a table alternative (its columns below), in Danish and English.
 */
export type Lang = 'da' | 'en';
export type Text = Readonly<Record<Lang, string>>;

export interface Chart {
  id: string;
  report: string;
  /** Fixed report parameters (the page's filters are added to them). */
  params?: Readonly<Record<string, string>>;
  title: Text;
  description: Text;
  /** Columns of the table alternative, with their headings. */
  columns: readonly { field: string; label: Text }[];
  spec(lang: Lang): TopLevelSpec;
}

export interface Page {
  id: string;
  title: Text;
  charts: readonly Chart[];
}

const t = (da: string, en: string): Text => ({ da, en });
const col = (field: string, da: string, en: string) => ({ field, label: t(da, en) });

const L = {
  municipality: t('Kommune', 'Municipality'),
  period: t('Periode', 'Period'),
  quarter: t('Kvartal', 'Quarter'),
};

/** A line over periods, one line per municipality. */
const trend = (field: string, label: Text, lang: Lang, pct = false, color: { field: string; label: Text } = { field: 'municipality', label: L.municipality }): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  data: { name: 'rows' },
  width: 'container',
  height: 220,
  mark: { type: 'line', point: true },
  encoding: {
    x: { field: 'period', type: 'ordinal', title: L.quarter[lang] },
    y: { field, type: 'quantitative', title: label[lang], ...(pct ? { scale: { domain: [0, 100] } } : {}) },
    color: { field: color.field, type: 'nominal', title: color.label[lang] },
    tooltip: [
      { field: color.field, type: 'nominal', title: color.label[lang] },
      { field: 'period', type: 'ordinal', title: L.period[lang] },
      { field, type: 'quantitative', title: label[lang], format: pct ? ',.1f' : ',d' },
    ],
  },
});

const bars = (x: { field: string; label: Text; type?: 'ordinal' | 'nominal' }, y: { field: string; label: Text }, lang: Lang, color = 'municipality'): TopLevelSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  data: { name: 'rows' },
  width: 'container',
  height: 220,
  mark: 'bar',
  encoding: {
    x: { field: x.field, type: x.type ?? 'ordinal', title: x.label[lang] },
    xOffset: { field: color, type: 'nominal' },
    y: { field: y.field, type: 'quantitative', title: y.label[lang] },
    color: { field: color, type: 'nominal', title: color === 'municipality' ? L.municipality[lang] : color },
    tooltip: [
      { field: color, type: 'nominal' },
      { field: x.field, type: x.type ?? 'ordinal', title: x.label[lang] },
      { field: y.field, type: 'quantitative', title: y.label[lang], format: ',d' },
    ],
  },
});

const byQuarter = { by: 'quarter' };

export const PAGES: readonly Page[] = [
  {
    id: 'overblik',
    title: t('Overblik', 'Overview'),
    charts: [
      {
        id: 'applications', report: 'volume', params: byQuarter,
        title: t('Ansøgninger pr. kvartal', 'Applications by quarter'),
        description: t('Antal modtagne ansøgninger pr. kvartal og kommune.', 'Applications received per quarter and municipality.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('applications', 'Ansøgninger', 'Applications'), col('decisions', 'Afgørelser', 'Decisions'), col('grantsInEffect', 'Bevillinger i kraft', 'Grants in effect')],
        spec: (lang) => trend('applications', t('Ansøgninger', 'Applications'), lang),
      },
      {
        id: 'grants-in-effect', report: 'volume', params: byQuarter,
        title: t('Bevillinger i kraft ved kvartalets udgang', 'Grants in effect at the end of each quarter'),
        description: t('Antal bevillinger i kraft på kvartalets sidste dag.', 'Grants in effect on the last day of each quarter.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('grantsInEffect', 'Bevillinger i kraft', 'Grants in effect')],
        spec: (lang) => trend('grantsInEffect', t('Bevillinger i kraft', 'Grants in effect'), lang),
      },
      {
        id: 'compliance', report: 'processing-time', params: byQuarter,
        title: t('Afgørelser inden for fristen', 'Decisions within the deadline'),
        description: t('Andel af afgørelser truffet inden for den sagsbehandlingsfrist, der gjaldt da ansøgningen blev modtaget. Roskilde har ingen frist.', 'Share of decisions within the deadline in force when the application was received. Roskilde has no deadline.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('standardVersion', 'Standard', 'Standard'), col('decided', 'Afgjort', 'Decided'), col('compliancePct', 'Inden for frist (%)', 'Within deadline (%)')],
        spec: (lang) => trend('compliancePct', t('Inden for frist (%)', 'Within deadline (%)'), lang, true, { field: 'standardVersion', label: t('Kvalitetsstandard', 'Quality standard') }),
      },
      {
        id: 'reversal', report: 'complaints', params: { by: 'year' },
        title: t('Omgørelsesprocent', 'Reversal rate (omgørelsesprocent)'),
        description: t('Hjemviste og ændrede/ophævede sager i procent af Ankestyrelsens realitetsbehandlede sager; afviste sager indgår ikke.', 'Remitted and changed or annulled cases as a share of the appeals Ankestyrelsen examined; dismissed cases are left out.'),
        columns: [col('period', 'År', 'Year'), col('municipality', 'Kommune', 'Municipality'), col('upheld', 'Stadfæstet', 'Upheld'), col('changedOrAnnulled', 'Ændret/ophævet', 'Changed/annulled'), col('remitted', 'Hjemvist', 'Remitted'), col('reversalRatePct', 'Omgørelsesprocent', 'Reversal rate (%)')],
        spec: (lang) => trend('reversalRatePct', t('Omgørelsesprocent', 'Reversal rate (%)'), lang, true),
      },
      {
        id: 'overdue-follow-ups', report: 'follow-up', params: byQuarter,
        title: t('Overskredne opfølgninger', 'Overdue follow-ups'),
        description: t('Bevillinger i kraft, hvis næste opfølgning var forfalden ved kvartalets udgang.', 'Grants in effect whose next follow-up was overdue at the end of each quarter.'),
        columns: [col('period', 'Kvartal', 'Quarter'), col('municipality', 'Kommune', 'Municipality'), col('activeGrants', 'Bevillinger i kraft', 'Grants in effect'), col('overdue', 'Overskredet', 'Overdue')],
        spec: (lang) => trend('overdue', t('Overskredne opfølgninger', 'Overdue follow-ups'), lang),
      },
    ],
  },
  {
    id: 'bevillinger',
    title: t('Bevillinger', 'Grants'),
    charts: [
      {
        id: 'days-per-week', report: 'days-per-week',
        title: t('Dage pr. uge i bevillinger i kraft', 'Days per week of the grants in effect'),
        description: t('Bevillinger i kraft på datoen fordelt på 1–5 dage om ugen.', 'Grants in effect on the date, by 1–5 days a week.'),
        columns: [col('municipality', 'Kommune', 'Municipality'), col('daysPerWeek', 'Dage pr. uge', 'Days per week'), col('grants', 'Bevillinger', 'Grants')],
        spec: (lang) => bars({ field: 'daysPerWeek', label: t('Dage pr. uge', 'Days per week') }, { field: 'grants', label: t('Bevillinger', 'Grants') }, lang),
      },
    ],
  },
  {
    id: 'klager',
    title: t('Klager', 'Complaints'),
    charts: [
      {
        id: 'complaints', report: 'complaints', params: { by: 'year' },
        title: t('Klager og Ankestyrelsens afgørelser', 'Complaints and Ankestyrelsen outcomes'),
        description: t('Klager over afgørelser pr. år, genvurderinger, videresendte klager og Ankestyrelsens afgørelser.', 'Complaints about decisions per year, reassessments, forwarded complaints and Ankestyrelsen outcomes.'),
        columns: [col('period', 'År', 'Year'), col('municipality', 'Kommune', 'Municipality'), col('decisions', 'Afgørelser', 'Decisions'), col('complaints', 'Klager', 'Complaints'), col('forwarded', 'Videresendt', 'Forwarded'), col('reversalRatePct', 'Omgørelsesprocent', 'Reversal rate (%)')],
        spec: (lang) => trend('complaints', t('Klager', 'Complaints'), lang),
      },
    ],
  },
];

export function findPage(id: string): Page | undefined {
  return PAGES.find((p) => p.id === id);
}
