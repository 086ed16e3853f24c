import type { Standard } from '../schemas/standard.ts';
import { DEMO_NOTICE_CSS, demoNotice } from './demoNotice.ts';
import type { MunicipalityOverview, Overview } from './overview.ts';

/** The server-rendered overview page. Danish first (the users are Danish municipalities), English on ?lang=en. */
export type Lang = 'da' | 'en';

const LABELS = {
  da: {
    locale: 'da-DK',
    title: 'sel104 — Datagrundlag',
    intro: 'Hændelser i projektionen pr. kommune, som de står i databasen nu.',
    pipeline: 'Pipeline',
    logPosition: 'Logposition',
    projectionPosition: 'Projektionsposition (checkpoint)',
    lag: 'Efterslæb',
    deadLetters: 'Afviste linjer (dead letters)',
    fact: 'Hændelse',
    count: 'Antal',
    applications: 'Ansøgninger',
    granted: 'Afgørelser: bevilget',
    partlyGranted: 'Afgørelser: delvist bevilget',
    rejected: 'Afgørelser: afslag',
    serviceStarts: 'Ydelser startet',
    serviceEnds: 'Ydelser ophørt',
    attendance: 'Fremmøderegistreringer',
    followUps: 'Opfølgninger',
    complaints: 'Klager',
    offers: 'Registrerede tilbud',
    firstOccurredOn: 'Første hændelsesdato',
    lastOccurredOn: 'Seneste hændelsesdato',
    municipality: 'Kommune',
    empty: 'Der er ingen hændelser endnu. Importér med “sel104 import FIL”, eller start med “sel104 serve --demo”.',
    coming: 'Se graferne under Dashboards.',
    dashboards: 'Dashboards',
    dashboardsHref: '/dashboards/overblik',
    privacy: 'Data er pseudonyme: ingen CPR-numre, navne eller adresser.',
    otherLang: 'English',
    otherHref: '/pipeline?lang=en',
  },
  en: {
    locale: 'en-GB',
    title: 'sel104 — Data and pipeline',
    intro: 'Events in the projection per municipality, as they stand in the database now.',
    pipeline: 'Pipeline',
    logPosition: 'Log position',
    projectionPosition: 'Projection position (checkpoint)',
    lag: 'Lag',
    deadLetters: 'Rejected lines (dead letters)',
    fact: 'Event',
    count: 'Count',
    applications: 'Applications',
    granted: 'Decisions: granted',
    partlyGranted: 'Decisions: partly granted',
    rejected: 'Decisions: rejected',
    serviceStarts: 'Services started',
    serviceEnds: 'Services ended',
    attendance: 'Attendance registrations',
    followUps: 'Follow-ups',
    complaints: 'Complaints',
    offers: 'Registered offers',
    firstOccurredOn: 'First event date',
    lastOccurredOn: 'Last event date',
    municipality: 'Municipality',
    empty: 'There are no events yet. Import with “sel104 import FILE”, or start with “sel104 serve --demo”.',
    coming: 'See the charts under Dashboards.',
    dashboards: 'Dashboards',
    dashboardsHref: '/dashboards/overblik?lang=en',
    privacy: 'Data are pseudonymous: no CPR numbers, names or addresses.',
    otherLang: 'Dansk',
    otherHref: '/pipeline',
  },
} as const;

export const parseLang = (value: unknown): Lang => (value === 'en' ? 'en' : 'da');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/** Danish dates are dd.mm.yyyy; English keeps ISO 8601, which no reader misreads. */
function formatDate(iso: string | null, lang: Lang): string {
  if (!iso) return '–';
  if (lang === 'en') return iso;
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

// Standards are named "Lejre Kommune — Kvalitetsstandard …"; the heading wants only the first part.
function municipalityName(code: string, standards: ReadonlyMap<string, Standard>, lang: Lang): { heading: string; standard?: string } {
  const s = standards.get(code);
  if (!s) return { heading: `${LABELS[lang].municipality} ${code}` };
  return { heading: `${s.name.split(' — ')[0]} (${code})`, standard: s.name };
}

function municipalitySection(m: MunicipalityOverview, standards: ReadonlyMap<string, Standard>, lang: Lang, num: (n: number) => string): string {
  const t = LABELS[lang];
  const rows: [string, string][] = [
    [t.applications, num(m.applications)],
    [t.granted, num(m.decisions.granted)],
    [t.partlyGranted, num(m.decisions.partlyGranted)],
    [t.rejected, num(m.decisions.rejected)],
    [t.serviceStarts, num(m.serviceStarts)],
    [t.serviceEnds, num(m.serviceEnds)],
    [t.attendance, num(m.attendance)],
    [t.followUps, num(m.followUps)],
    [t.complaints, num(m.complaints)],
    [t.offers, num(m.offers)],
    [t.firstOccurredOn, formatDate(m.firstOccurredOn, lang)],
    [t.lastOccurredOn, formatDate(m.lastOccurredOn, lang)],
  ];
  const { heading, standard } = municipalityName(m.municipality, standards, lang);
  return `<section class="card" data-municipality="${escapeHtml(m.municipality)}">
<h2>${escapeHtml(heading)}</h2>
${standard ? `<p class="muted">${escapeHtml(standard)}</p>` : ''}
<table>
<thead><tr><th scope="col">${escapeHtml(t.fact)}</th><th scope="col" class="num">${escapeHtml(t.count)}</th></tr></thead>
<tbody>
${rows.map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td class="num">${escapeHtml(value)}</td></tr>`).join('\n')}
</tbody>
</table>
</section>`;
}

const CSS = `
:root { color-scheme: light dark; --fg: #1c2330; --muted: #5b6573; --line: #d9dee5; --bg: #f7f8fa; --card: #fff; --accent: #1f5f8b; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ee; --muted: #9aa4b2; --line: #333b47; --bg: #14181e; --card: #1c2129; --accent: #7fb6e0; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 2rem 1.5rem 3rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 64rem; margin: 0 auto; }
header { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 0; }
a { color: var(--accent); }
.muted { color: var(--muted); font-size: .875rem; margin: .25rem 0 .75rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; margin-top: 1rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: .3rem 0; border-bottom: 1px solid var(--line); text-align: left; font-weight: normal; }
thead th { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.pipeline { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .5rem 1rem; margin: .5rem 0 0; }
dl.pipeline dt { color: var(--muted); font-size: .8rem; }
dl.pipeline dd { margin: 0; font-size: 1.25rem; font-variant-numeric: tabular-nums; }
.note { margin-top: 1.5rem; color: var(--muted); }
`;

export function renderOverviewPage(data: Overview, { lang, standards, demo = false }: { lang: Lang; standards: ReadonlyMap<string, Standard>; demo?: boolean }): string {
  const t = LABELS[lang];
  const fmt = new Intl.NumberFormat(t.locale);
  const num = (n: number) => fmt.format(n);
  const pipeline: [string, number][] = [
    [t.logPosition, data.logPosition],
    [t.projectionPosition, data.projectionPosition],
    [t.lag, data.lag],
    [t.deadLetters, data.deadLetters],
  ];
  const body = data.municipalities.length === 0
    ? `<p class="card">${escapeHtml(t.empty)}</p>`
    : `<div class="grid">\n${data.municipalities.map((m) => municipalitySection(m, standards, lang, num)).join('\n')}\n</div>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<style>${CSS}${DEMO_NOTICE_CSS}</style>
</head>
<body>
<main>
<header><div><h1>${escapeHtml(t.title)}</h1><p class="muted">${escapeHtml(t.intro)}</p></div><a href="${escapeHtml(t.otherHref)}" hreflang="${lang === 'da' ? 'en' : 'da'}">${escapeHtml(t.otherLang)}</a></header>
${demo ? demoNotice(lang) : ''}
<section class="card" aria-label="${escapeHtml(t.pipeline)}">
<h2>${escapeHtml(t.pipeline)}</h2>
<dl class="pipeline">
${pipeline.map(([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(num(value))}</dd></div>`).join('\n')}
</dl>
</section>
${body}
<p class="note">${escapeHtml(t.coming)} <a href="${escapeHtml(t.dashboardsHref)}">${escapeHtml(t.dashboards)}</a></p>
<p class="muted">${escapeHtml(t.privacy)}</p>
</main>
</body>
</html>
`;
}
