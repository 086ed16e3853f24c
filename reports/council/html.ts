import type { StandardVersion } from '../../schemas/standard.ts';
import { MONTHS, formatDate, formatInt } from './danish.ts';
import { FONT } from './figures.ts';
import type { CouncilPeriod } from './period.ts';
import type { Provenance } from './provenance.ts';
import type { Section, TableBlock } from './section.ts';

/**
 * The council report as one self-contained HTML document: inline CSS and SVG, no external
 * request, A4 print rules (each figure and table kept on one page). Nothing in it depends on
 * the clock, so the same data and as-of give the same bytes.
 */
export interface CouncilDocument {
  municipalityName: string;
  standardName: string;
  period: CouncilPeriod;
  provenance: Provenance;
  versions: readonly StandardVersion[];
  sections: readonly Section[];
  /** Withheld counts the sums alone give away (suppression.ts `exposed`); normally none. */
  exposed: number;
  /** Suppressed together with the year's public reports (reports/publication.ts). */
  withPublic: boolean;
  marks: { small: string; withheld: string };
  /** The events are the simulator's (the demo): the report says so on its front page. */
  simulated?: boolean;
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text content: escaped, with "§ 104" and "90 %" kept on one line. */
const text = (s: string): string => escapeHtml(s).replace(/§ (?=\d)/g, '§&nbsp;').replace(/(\d) %/g, '$1&nbsp;%');

const CSS = `
@page { size: A4; margin: 16mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
html { font-family: ${FONT}; font-size: 9.5pt; line-height: 1.42; color: #1d2327; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
.simulated { border: 1.5pt solid #937400; background: #fff4ce; padding: 5pt 8pt; margin: 0 0 10pt; }
.masthead { border-top: 6pt solid #1f4e79; padding-top: 10pt; margin-bottom: 12pt; }
.kicker { margin: 0; font-size: 9pt; letter-spacing: 0.06em; text-transform: uppercase; color: #4a5963; }
h1 { font-size: 20pt; line-height: 1.2; color: #1f4e79; margin: 4pt 0 4pt; }
.subtitle { margin: 0; font-size: 12pt; color: #1d2327; }
h2 { font-size: 13pt; color: #1f4e79; border-bottom: 1.2pt solid #1f4e79; padding-bottom: 2pt; margin: 18pt 0 6pt; break-after: avoid; page-break-after: avoid; }
h2.box-title { border: 0; margin: 0 0 6pt; font-size: 11pt; }
p { margin: 0 0 6pt; max-width: 170mm; orphans: 3; widows: 3; }
.front { break-after: page; page-break-after: always; }
.box { border: 0.8pt solid #1f4e79; background: #f2f5f8; padding: 9pt 11pt; margin: 0 0 10pt; break-inside: avoid; page-break-inside: avoid; }
dl { display: grid; grid-template-columns: 38mm 1fr; gap: 3pt 8pt; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; word-break: break-all; }
.marks { font-size: 8.5pt; }
.marks p { margin: 0 0 3pt; }
.highlights { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6pt; margin: 0 0 10pt; break-inside: avoid; page-break-inside: avoid; }
.highlight { border-left: 3pt solid #1f4e79; background: #f7f9fb; padding: 5pt 7pt; }
.highlight .value { display: block; font-size: 15pt; font-weight: bold; color: #1f4e79; line-height: 1.15; }
.highlight .label { display: block; font-size: 8pt; color: #38444c; }
.highlight .why { display: block; font-size: 7pt; color: #4a5963; }
figure { margin: 8pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: bold; font-size: 9pt; margin-bottom: 4pt; }
figure svg { display: block; max-width: 100%; height: auto; }
.note { font-size: 7.5pt; color: #4a5963; margin: 3pt 0 0; max-width: 178mm; }
.table-block { margin: 8pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; break-inside: avoid; page-break-inside: avoid; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: 9pt; padding-bottom: 4pt; }
th, td { padding: 2.2pt 5pt; border-bottom: 0.5pt solid #cdd4d9; vertical-align: top; }
thead th { background: #e4ebf2; font-weight: bold; text-align: right; border-bottom: 0.8pt solid #1f4e79; }
thead th:first-child, tbody td:first-child { text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 0.8pt solid #4a5963; }
tr.sub td:first-child { padding-left: 14pt; }
footer { margin-top: 16pt; font-size: 7.5pt; color: #4a5963; border-top: 0.5pt solid #cdd4d9; padding-top: 4pt; }
`;

/** "2024-12-31T23:59:59.999999+01:00" → "31. december 2024 kl. 23.59.59" (the clock as written, in its own offset). */
function formatTimestamp(ts: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(ts);
  if (!m) return ts;
  return `${Number(m[3])}. ${MONTHS[Number(m[2]) - 1]} ${m[1]} kl. ${m[4]}.${m[5]}${m[6] ? `.${m[6]}` : ''}`;
}

function table(t: TableBlock): string {
  const head = `<thead><tr>${t.head.map((h) => `<th scope="col">${text(h)}</th>`).join('')}</tr></thead>`;
  const body = t.rows
    .map((r) => {
      const cls = [r.total ? 'total' : '', r.sub ? 'sub' : ''].filter(Boolean).join(' ');
      return `<tr${cls ? ` class="${cls}"` : ''}><td>${text(r.label)}</td>${r.cells.map((c) => `<td class="num">${text(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-block"><table><caption>${text(t.caption)}</caption>${head}<tbody>\n${body}\n</tbody></table>${t.note ? `<p class="note">${text(t.note)}</p>` : ''}</div>`;
}

function section(s: Section, n: number): string {
  const figure = `<figure><figcaption>Figur ${n}. ${text(s.figure.caption)}</figcaption>${s.figure.svg ?? ''}${s.figure.note ? `<p class="note">${text(s.figure.note)}</p>` : ''}</figure>`;
  return `<section class="report-section" id="${s.id}">
<h2>${n}. ${text(s.title)}</h2>
${s.text.map((p) => `<p>${text(p)}</p>`).join('\n')}
${figure}
${s.tables.map(table).join('\n')}
</section>`;
}

export function councilHtml(doc: CouncilDocument): string {
  const { period, provenance, versions } = doc;
  const title = `Aktivitets- og samværstilbud efter serviceloven § 104 — ${doc.municipalityName} ${period.year}`;
  const periodText = `${formatDate(period.from).replace(/ \d{4}$/, '')} – ${formatDate(period.to)}`;
  const versionText = versions.map((v) =>
    `${escapeHtml(v.id)}: gælder for ansøgninger modtaget fra ${formatDate(v.effectiveFrom)}; sagsbehandlingsfrist ${v.processingDeadlineWeeks === null ? 'ikke fastsat' : `${v.processingDeadlineWeeks} uger`}`).join('<br>');
  const highlights = doc.sections.flatMap((s) => s.highlights ?? []);
  const why = (value: string) =>
    value === doc.marks.small ? '<span class="why">færre end 5</span>' : value === doc.marks.withheld ? '<span class="why">udeladt for at beskytte små tal</span>' : '';
  const front = `<div class="front">
<header class="masthead">
<p class="kicker">Rapport til kommunalbestyrelsen · ${escapeHtml(doc.municipalityName)}</p>
<h1>Aktivitets- og samværstilbud efter serviceloven § 104</h1>
<p class="subtitle">Opfølgning på kvalitetsstandarden ${period.complete ? `for ${period.year}` : `${period.year} til og med ${formatDate(period.to)}`}</p>
</header>
${doc.simulated ? '<p class="simulated" role="note"><strong>Demodata:</strong> hændelserne bag rapporten er simulerede, ikke rigtige sager.</p>' : ''}
${highlights.length === 0 ? '' : `<div class="highlights">${highlights.map((h) => `<div class="highlight"><span class="value">${escapeHtml(h.value)}</span><span class="label">${text(h.label)}</span>${why(h.value)}</div>`).join('')}</div>`}
<section class="box" aria-labelledby="datagrundlag">
<h2 class="box-title" id="datagrundlag">Datagrundlag</h2>
<dl>
<dt>Periode</dt><dd>${periodText}${period.complete ? '' : ' (året er ikke afsluttet)'}. Bestande (bevillinger i kraft, verserende ansøgninger, opfølgning) er opgjort ${formatDate(period.to)}.</dd>
<dt>Data til og med</dt><dd>${formatTimestamp(period.asOf)} (<code>${escapeHtml(period.asOf)}</code>): kun hændelser registreret senest dette tidspunkt indgår, så rapporten kan genskabes.</dd>
<dt>Hændelser</dt><dd>${formatInt(provenance.events)} hændelser for ${escapeHtml(doc.municipalityName)} registreret til og med dette tidspunkt.</dd>
<dt>Kvalitetsstandard</dt><dd>${text(doc.standardName)}<br>${versionText}</dd>
<dt>Indholdshash</dt><dd><code>sha256:${provenance.sha256}</code><br><span class="note">SHA-256 over hændelsernes id og registreringstidspunkt (mikrosekunder siden 1970 UTC), én linje pr. hændelse sorteret efter id.</span></dd>
</dl>
</section>
<section class="box marks" aria-labelledby="tegn">
<h2 class="box-title" id="tegn">Små tal og tegnforklaring</h2>
<p><strong>${escapeHtml(doc.marks.small)}</strong>: færre end 5. <strong>${escapeHtml(doc.marks.withheld)}</strong>: udeladt for at beskytte små tal. <strong>–</strong>: ikke relevant eller ingen at beregne en andel af.</p>
<p>Tal fra 1 til 4 vises ikke, og andre tal er udeladt, så et lille tal ikke kan regnes ud fra totaler, rækker, kolonner eller rapportens andre tabeller. Andele og medianer, der bygger på et udeladt tal, er også udeladt, og figurerne viser kun tal, der står i tabellerne. ${doc.withPublic ? 'Udeladelserne er fælles med årets offentlige opgørelser fra samme data, så et tal, der er udeladt her, heller ikke står dér.' : 'Rapporten er ikke opgjort ved årets afslutning og er derfor diskretioneret for sig, uden årets offentlige opgørelser.'}${doc.exposed > 0 ? ` Bemærk: ${formatInt(doc.exposed)} små tal kan ikke beskyttes fuldt ud, fordi totalerne alene afslører dem.` : ''}</p>
</section>
</div>`;
  return `<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${front}
${doc.sections.map((s, i) => section(s, i + 1)).join('\n')}
<footer>Udarbejdet med sel104 ud fra hændelser fra kommunens fagsystem. Tallene følger definitionerne i sel104's rapportkatalog; ingen CPR-numre, navne eller adresser indgår.</footer>
</body>
</html>
`;
}
