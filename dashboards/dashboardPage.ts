import { danishRule } from '../schemas/danishRules.ts';
import type { Standard } from '../schemas/standard.ts';
import type { RegisteredOffer } from '../reports/offers.ts';
import { CHART_CONFIG, PAGES, UNKNOWN_OFFER, descriptionOf, drawnSpec, municipalityWords, offerWords, shortName, versionWords, type Lang, type Page } from './charts.ts';
import { DEMO_NOTICE_CSS, demoNotice } from './demoNotice.ts';
import { OFFER_REPORTS } from '../reports/catalogue.ts';

/** A dashboard page: navigation, the filters (kept in the URL), and each chart with its table and CSV link. */
export interface Filters {
  municipality?: string;
  from?: string;
  to?: string;
  on?: string;
  /** Passed to the reports with a row per offer (OFFER_REPORTS); the others span every offer. */
  offer?: string;
}

const UI = {
  da: { locale: 'da-DK', offer: 'Tilbud', latest: 'Seneste periode', pipeline: 'Pipeline: logposition {log}, projektion {projection}, efterslæb {lag} hændelser', home: 'Datagrundlag', municipality: 'Kommune', all: 'Alle', from: 'Fra', to: 'Til', on: 'Opgjort pr.', apply: 'Vis', table: 'Vis som tabel', tableOf: 'Tabel:', problem: 'Filteret kan ikke bruges.', csv: 'Hent CSV', other: 'English', loading: 'Henter …', empty: 'Ingen data for de valgte filtre.', notByOffer: 'Tilbudsfilteret gælder ikke dette diagram: det viser alle tilbud.', noRule: 'Ingen sådan regel i denne version.', notStated: 'Står ikke i standarden.',
    tableShown: 'Viser de første {shown} af {n} rækker.', showAll: 'Vis alle',
    embed: { CLICK_TO_VIEW_ACTIONS: 'Gem diagrammet som billede', SVG_ACTION: 'Gem som SVG', PNG_ACTION: 'Gem som PNG' } },
  en: { locale: 'en-GB', offer: 'Offer', latest: 'Latest period', pipeline: 'Pipeline: log position {log}, projection {projection}, lag {lag} events', home: 'Data and pipeline', municipality: 'Municipality', all: 'All', from: 'From', to: 'To', on: 'As on', apply: 'Show', table: 'Show as a table', tableOf: 'Table:', problem: 'The filter cannot be used.', csv: 'Download CSV', other: 'Dansk', loading: 'Loading …', empty: 'No data for the chosen filters.', notByOffer: 'The offer filter does not apply to this chart: it shows every offer.', noRule: 'No such rule in this version.', notStated: 'Not stated in the standard.',
    tableShown: 'Showing the first {shown} of {n} rows.', showAll: 'Show all',
    embed: { CLICK_TO_VIEW_ACTIONS: 'Save the chart as an image', SVG_ACTION: 'Save as SVG', PNG_ACTION: 'Save as PNG' } },
} as const;


const byOffer = (report: string): boolean => OFFER_REPORTS.includes(report);

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const query = (params: Record<string, string | undefined>): string =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();

/**
 * @param offers the offers registered in the log: the offer filter lists them, the charts and
 *               tables name them
 */
export function renderDashboardPage(page: Page, { lang, filters, standards, offers = [], demo = false, problem }: {
  lang: Lang; filters: Filters; standards: ReadonlyMap<string, Standard>; offers?: readonly RegisteredOffer[]; demo?: boolean;
  /** A filter the reports cannot take (its field and rule): the page says so and draws no chart. */
  problem?: { field: string; rule: string };
}): string {
  const ui = UI[lang];
  const keep = { ...filters, lang: lang === 'en' ? 'en' : undefined };
  const ctx = { standards, municipality: filters.municipality, offers };
  // the tables name a municipality as its standard does, "Roskilde (265)", and an offer by its
  // registered name and id, a standard's version with its date
  const named: Record<string, Record<string, string>> = { municipality: municipalityWords(ctx), offerId: offerWords(ctx), standardVersion: versionWords(ctx, lang) };
  const charts = page.charts.map((c) => {
    // the offer filter goes to the reports with a row per offer (the CSV link too, so that it
    // holds the rows the page shows); the others are about every offer
    const { offer, ...reportFilters } = filters;
    const params = { ...c.params, ...reportFilters, ...(byOffer(c.report) ? { offer } : {}) };
    return {
      id: c.id,
      url: `/api/reports/${c.report}?${query(params)}`,
      spec: { ...drawnSpec(c, lang, ctx), description: descriptionOf(c, lang, ctx), config: CHART_CONFIG },
      columns: c.columns.map((x) => ({
        field: x.field, label: x.label[lang],
        ...(x.quotes ? { quotes: true } : {}),
        ...(x.danish && lang === 'da' ? { rewrite: x.danish.map(([pattern, to]) => [pattern.source, pattern.flags, to]) } : {}),
        ...(x.words ? { words: Object.fromEntries(Object.entries(typeof x.words === 'function' ? x.words(ctx) : x.words).map(([code, w]) => [code, w[lang]])) }
          : named[x.field] ? { words: named[x.field] } : {}),
        // an offer the log has no registration of (with offers known)
        ...(x.field === 'offerId' && offers.length > 0 ? { unknown: UNKNOWN_OFFER[lang] } : {}),
      })),
      kpi: c.kpi,
      kpiRatio: c.kpiRatio,
      kpiWithout: c.kpiWithout && { field: c.kpiWithout.field, text: c.kpiWithout.text[lang] },
      empty: c.empty?.[lang],
      ...(byOffer(c.report) && offer ? { offerFiltered: true } : {}),
      drawsIf: c.drawsIf,
      tableOrder: c.tableOrder,
    };
  });
  // the KPI tiles name a municipality as its standard does: "Roskilde (265)"
  const municipalities = Object.fromEntries([...standards.values()].map((s) => [s.municipality, shortName(s)]));
  const nav = PAGES.map((p) => `<a href="/dashboards/${p.id}?${esc(query(keep))}"${p.id === page.id ? ' aria-current="page"' : ''}>${esc(p.title[lang])}</a>`).join('\n      ');
  const options = [`<option value="">${ui.all}</option>`, ...[...standards.values()].map((s) =>
    `<option value="${s.municipality}"${filters.municipality === s.municipality ? ' selected' : ''}>${esc(shortName(s))} (${esc(s.municipality)})</option>`)].join('');
  // A page without a chart by offer has no offer filter; one chosen elsewhere stays in its links.
  const hasOffers = page.charts.some((c) => byOffer(c.report));
  // the offer filter: the offers of the chosen municipality (else all, by municipality), by name;
  // an offer in the URL that the log does not know is kept as its id
  const offerOption = (id: string, name: string) => `<option value="${esc(id)}"${filters.offer === id ? ' selected' : ''}>${esc(name)}</option>`;
  const listed = offers.filter((o) => !filters.municipality || o.municipality === filters.municipality);
  const offerOptions = [
    `<option value="">${ui.all}</option>`,
    ...(filters.offer && !listed.some((o) => o.offerId === filters.offer) ? [offerOption(filters.offer, filters.offer)] : []),
    ...[...standards.values()].map((s) => {
      const own = listed.filter((o) => o.municipality === s.municipality).sort((a, b) => a.name.localeCompare(b.name, 'da'));
      // two offers of one municipality by one name are told apart by their ids
      const shared = (o: RegisteredOffer) => own.filter((x) => x.name === o.name).length > 1;
      return own.length === 0 ? '' : `<optgroup label="${esc(named.municipality![s.municipality]!)}">${own.map((o) => offerOption(o.offerId, shared(o) ? `${o.name} (${o.offerId})` : o.name)).join('')}</optgroup>`;
    }),
  ].join('');
  const fieldWords: Record<string, string> = { municipality: ui.municipality, from: ui.from, to: ui.to, on: ui.on, offer: ui.offer, lang: lang === 'da' ? 'Sprog' : 'Language' };
  const alert = problem
    ? `<p role="alert" class="problem">${esc(ui.problem)} ${esc(fieldWords[problem.field] ?? problem.field)}: ${esc(lang === 'da' ? danishRule(problem.rule) : problem.rule)}</p>`
    : '';
  const sections = problem ? '' : page.charts.map((c) => `
    <section class="chart" aria-labelledby="${c.id}-title">
      <h2 id="${c.id}-title">${esc(c.title[lang])}</h2>
      <p id="${c.id}-desc" class="desc">${esc(descriptionOf(c, lang, ctx))}</p>${filters.offer && hasOffers && !byOffer(c.report) ? `
      <p class="note">${esc(ui.notByOffer)}</p>` : ''}
      ${c.kpi ? `<p class="kpi" id="${c.id}-kpi" aria-live="polite"></p>` : ''}
      <figure role="group" aria-labelledby="${c.id}-title" aria-describedby="${c.id}-desc"><div id="${c.id}" class="vis">${ui.loading}</div></figure>
      <details${c.tableOpen ? ' open' : ''}><summary>${ui.table}</summary><div class="scroll" tabindex="0" role="region" aria-label="${esc(`${ui.tableOf} ${c.title[lang]}`)}"><table id="${c.id}-table"></table></div></details>
      <p><a class="csv" href="${esc(charts.find((x) => x.id === c.id)!.url)}&amp;format=csv" download="${c.id}.csv">${ui.csv}</a></p>
    </section>`).join('');
  const otherLang = `/dashboards/${page.id}?${esc(query({ ...filters, lang: lang === 'da' ? 'en' : undefined }))}`;
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <title>sel104 — ${esc(page.title[lang])}</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; color: #1a1a1a; }
    nav a { margin-right: .8rem; white-space: nowrap; } nav a[aria-current] { font-weight: bold; }
    form { margin: 1rem 0; display: flex; gap: .8rem; flex-wrap: wrap; align-items: end; }
    .kpi { font-size: 1.6rem; font-weight: 600; margin: .3rem 0; } .kpi small { font-size: .8rem; font-weight: normal; color: #555; }
    .chart { margin: 1.5rem 0; } .chart figure { margin: .5rem 0; } .vis { width: 100%; min-height: 240px; overflow-x: auto; } .vis[data-rendered] { min-height: 8rem; } .vis.empty { min-height: 0; color: #555; font-style: italic; } .desc { color: #444; margin: .2rem 0; } .note { margin: .2rem 0; padding-left: .5rem; border-left: 3px solid #937400; }
    ${DEMO_NOTICE_CSS}
    .problem { border-left: 4px solid #b3261e; background: #fdecea; padding: .5rem .8rem; }
    table { border-collapse: collapse; font-size: .9rem; } .scroll { overflow-x: auto; } td, th { padding: .2rem .5rem; border-bottom: 1px solid #ddd; } td.num { text-align: right; }
  </style>
  <script src="/vendor/vega.min.js" defer></script>
  <script src="/vendor/vega-lite.min.js" defer></script>
  <script src="/vendor/vega-embed.min.js" defer></script>
  <script src="/static/dashboard.js" defer></script>
</head>
<body>
  <header>
    <nav aria-label="sel104">
      <a href="/pipeline${keep.lang ? `?${esc(query({ lang: keep.lang }))}` : ''}">${ui.home}</a>
      ${nav}
      <a href="${otherLang}" lang="${lang === 'da' ? 'en' : 'da'}">${ui.other}</a>
    </nav>
    <h1>${esc(page.title[lang])}</h1>
    <form method="get" action="/dashboards/${page.id}" autocomplete="off">
      <label>${ui.municipality} <select name="municipality">${options}</select></label>
      <label>${ui.from} <input type="date" name="from" value="${esc(filters.from ?? '')}"></label>
      <label>${ui.to} <input type="date" name="to" value="${esc(filters.to ?? '')}"></label>
      <label>${ui.on} <input type="date" name="on" value="${esc(filters.on ?? '')}"></label>
      ${hasOffers ? `<label>${ui.offer} <select name="offer">${offerOptions}</select></label>` : filters.offer ? `<input type="hidden" name="offer" value="${esc(filters.offer)}">` : ''}
      ${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
      <button type="submit">${ui.apply}</button>
    </form>
    ${demo ? demoNotice(lang) : ''}
  </header>
  <main>
    ${alert}${page.id === 'datakvalitet' && !problem ? `<p id="pipeline" data-template="${esc(ui.pipeline)}"></p>` : ''}${sections}
  </main>
  <script type="application/json" id="sel104-charts">${JSON.stringify({ locale: ui.locale, latest: ui.latest, empty: ui.empty, noRule: ui.noRule, notStated: ui.notStated, tableShown: ui.tableShown, showAll: ui.showAll, embed: ui.embed, municipalities, charts: problem ? [] : charts }).replace(/</g, '\\u003c')}</script>
</body>
</html>
`;
}
