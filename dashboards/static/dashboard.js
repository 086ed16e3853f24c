// Draws every chart of a dashboard page from the report API, with Danish or English number formats,
// and fills each chart's table alternative. Vega, Vega-Lite and vega-embed come from /vendor (node_modules).
(function () {
  'use strict';
  const config = JSON.parse(document.getElementById('sel104-charts').textContent);
  const danish = config.locale === 'da-DK';
  const NARROW = 600; // px: a chart box narrower than this puts its legend under the plot
  const NARROW_LABEL = 110; // px: the longest axis label there
  const NARROW_FRAME = 80; // px: a panel's y axis and padding there
  const numbers = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(config.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // (Danish writes a space before the percent sign, 11,1 %, kept on the number's line)
  const formatLocale = danish ? { decimal: ',', thousands: '.', grouping: [3], currency: ['', ' kr.'], percent: '\u00a0%' } : undefined;
  const timeFormatLocale = danish
    ? {
        dateTime: '%A den %d %B %Y %X', date: '%d.%m.%Y', time: '%H:%M:%S', periods: ['AM', 'PM'],
        days: ['søndag', 'mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag'], shortDays: ['søn', 'man', 'tir', 'ons', 'tor', 'fre', 'lør'],
        months: ['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'december'],
        // (Danish abbreviations take a full stop: 1. aug. 2023)
        shortMonths: ['jan.', 'feb.', 'mar.', 'apr.', 'maj', 'jun.', 'jul.', 'aug.', 'sep.', 'okt.', 'nov.', 'dec.'],
      }
    : undefined;
  // a date as the page's language writes it: 05.03.2024 (da), 05/03/2024 (en-GB); the CSV keeps ISO dates
  const dates = new Intl.DateTimeFormat(config.locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' });
  const cell = (field, value) => {
    if (value === null || value === undefined) return '–';
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return dates.format(new Date(value + 'T00:00:00Z'));
    if (typeof value === 'number') return /Pct$/.test(field) ? percent.format(value) : numbers.format(value);
    if (Array.isArray(value)) return value.join(', ');
    return String(value);
  };
  // The evidence sheet's wording on a Danish page: per clause, its section label and its quotes
  // (the notes around them are English); where the version has no such rule, or no clause quotes
  // the standard, say so.
  function quoted(row, wording) {
    if (row.value === null || row.value === undefined) return config.noRule;
    const clauses = String(wording || '').split(' … ').map((clause) => {
      const quotes = clause.match(/"[^"]*"/g);
      if (!quotes) return null;
      const label = /^(§\s?\d+(?:\/§\s?\d+)*:|[A-ZÆØÅ][a-zæøå]+:)/.exec(clause);
      return (label ? label[1] + ' ' : '') + quotes.join(' … ');
    }).filter(Boolean);
    return clauses.length > 0 ? clauses.join(' … ') : config.notStated;
  }
  // On an English page the wording with its notes; where the version has no such rule, or nothing
  // in the standard states it, the same words as the Danish page.
  function noted(row, wording) {
    if (row.value === null || row.value === undefined) return config.noRule;
    return wording ? String(wording) : config.notStated;
  }
  // On a narrow screen (a phone) a legend beside the plot, or long labels on its left (offer names,
  // rules), would leave the plot a sliver: the legend goes below, and labels on the left are
  // wrapped onto lines of at most NARROW_LABEL px, each row made tall enough for three lines (cut
  // short with … they read alike: two offers "Eksempelkommune …"); the table and the tooltips keep
  // them whole. Words under the plot (the funnel's steps) stand on end, side by side, instead of
  // upright a word a line.
  const NARROW_ROW = 44; // px: a row of the plot with wrapped labels (three lines and a gap)
  const NARROW_LINE_CHARS = 18; // characters on a label's line: about NARROW_LABEL px
  const wrapped = (expr) =>
    "split(trim(replace(" + expr + ", regexp('(.{1," + NARROW_LINE_CHARS + "}|\\\\S+)(\\\\s+|$)', 'g'), '$1\\n')), '\\n')";
  function narrow(spec, boxWidth) {
    // panels side by side (days by VUM level, a panel per municipality) go under each other, as
    // wide as the box allows: the second panel was out of sight, with nothing to say it was there
    if (spec.encoding && spec.encoding.column) {
      spec.encoding = Object.assign({}, spec.encoding, { facet: Object.assign({}, spec.encoding.column, { columns: 1 }) });
      delete spec.encoding.column;
      if (typeof spec.width === 'number') spec.width = Math.max(160, Math.min(spec.width, boxWidth - NARROW_FRAME));
    }
    let tallRows = false;
    const walk = (node) => {
      if (Array.isArray(node)) { node.forEach(walk); return; }
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        // (a label that is lines already, the §82a changes, is only cut)
        if (key === 'y' && value && value.type === 'nominal' && value.axis && value.axis.labelLimit > NARROW_LABEL && !/^split\(/.test(value.axis.labelExpr || '')) {
          const axis = Object.assign({}, value.axis, { labelLimit: NARROW_LABEL, labelExpr: wrapped(value.axis.labelExpr ? '(' + value.axis.labelExpr + ')' : 'datum.label') });
          node.y = Object.assign({}, value, { axis });
          tallRows = true;
        } else if (key === 'axis' && value && value.labelLimit > NARROW_LABEL) node.axis = Object.assign({}, value, { labelLimit: NARROW_LABEL });
        else if (key === 'x' && value && value.type === 'nominal' && value.axis && value.axis.labelAngle === 0) {
          const axis = Object.assign({}, value.axis, { labelAngle: -90, labelLimit: NARROW_LABEL });
          delete axis.labelExpr;
          node.x = Object.assign({}, value, { axis });
        } else walk(value);
      }
    };
    for (const [key, value] of Object.entries(spec)) if (key !== 'datasets' && key !== 'config') walk(value);
    if (tallRows) spec.height = { step: NARROW_ROW, for: 'position' };
    spec.config = Object.assign({}, spec.config, {
      legend: { orient: 'bottom', direction: 'vertical' },
      axisY: Object.assign({}, spec.config && spec.config.axisY, { labelLimit: NARROW_LABEL }),
    });
  }
  // A long table shows its first rows and a button for the rest (the work list can hold hundreds).
  const TABLE_ROWS = 100;
  function fillTable(table, columns, rows, all = rows.length <= TABLE_ROWS) {
    const head = '<thead><tr>' + columns.map((c) => '<th scope="col">' + c.label + '</th>').join('') + '</tr></thead>';
    const body = (all ? rows : rows.slice(0, TABLE_ROWS)).map((r) => '<tr>' + columns.map((c) => {
      const numeric = typeof r[c.field] === 'number';
      const td = document.createElement('td');
      td.textContent = c.quotes ? (danish ? quoted(r, r[c.field]) : noted(r, r[c.field]))
        : c.words && c.words[r[c.field]] ? c.words[r[c.field]]
        // a code without words that the column names anyway (an offer never registered)
        : c.unknown && r[c.field] != null ? c.unknown.replace('{code}', r[c.field]) : cell(c.field, r[c.field]);
      if (numeric) td.className = 'num';
      return td.outerHTML;
    }).join('') + '</tr>').join('');
    const shown = config.tableShown.replace('{shown}', numbers.format(TABLE_ROWS)).replace('{n}', numbers.format(rows.length));
    const foot = all ? '' : '<tfoot><tr><td colspan="' + columns.length + '">' + shown + ' <button type="button">' + config.showAll + '</button></td></tr></tfoot>';
    table.innerHTML = head + '<tbody>' + body + '</tbody>' + foot;
    if (!all) table.querySelector('tfoot button').addEventListener('click', () => fillTable(table, columns, rows, true));
  }
  // A KPI tile: per municipality, the value of the latest period. A municipality with several rows
  // in it (one per version of its standard) gets the sum of a count, or with kpiRatio the
  // percentage over the rows that have one (half up to one decimal, as the reports round).
  function kpiValue(chart, rows) {
    if (chart.kpiRatio) {
      const [num, den] = chart.kpiRatio;
      const counted = rows.filter((r) => r[chart.kpi] !== null && r[chart.kpi] !== undefined);
      const n = counted.reduce((s, r) => s + r[num], 0);
      const d = counted.reduce((s, r) => s + r[den], 0);
      return d === 0 ? null : Math.floor((2000 * n + d) / (2 * d)) / 10;
    }
    if (rows.length === 1) return rows[0][chart.kpi];
    return /Pct$/.test(chart.kpi) ? null : rows.reduce((s, r) => s + (r[chart.kpi] || 0), 0);
  }
  function showKpi(chart, rows) {
    const tile = document.getElementById(chart.id + '-kpi');
    const periods = rows.map((r) => r.period).filter(Boolean).sort();
    const last = periods[periods.length - 1];
    const latest = new Map();
    for (const r of rows.filter((x) => x.period === last)) latest.set(r.municipality, [...(latest.get(r.municipality) || []), r]);
    tile.innerHTML = '';
    [...latest].forEach(([code, rs], i) => {
      const value = kpiValue(chart, rs);
      const span = document.createElement('span');
      const name = config.municipalities[code] ? config.municipalities[code] + ' (' + code + ')' : code;
      // (a municipality without the rule, such as a deadline, says so rather than "–")
      const without = value === null && chart.kpiWithout && rs.every((r) => r[chart.kpiWithout.field] == null);
      span.textContent = (i > 0 ? ' · ' : '') + name + ': ' + (without ? chart.kpiWithout.text : cell(chart.kpi, value) + (value !== null && /Pct$/.test(chart.kpi) ? (danish ? '\u00a0%' : '%') : ''));
      tile.appendChild(span);
    });
    const small = document.createElement('small');
    small.textContent = ' (' + config.latest + ': ' + (last || '–') + ')';
    tile.appendChild(small);
  }
  // What vega-embed and Vega leave unnamed for assistive technology.
  function label(target) {
    // The actions menu opens from a <summary> holding only an icon; its name is on the <details>' title.
    const summary = target.querySelector('details > summary');
    if (summary) summary.setAttribute('aria-label', config.embed.CLICK_TO_VIEW_ACTIONS);
    // Vega gives a mark with no items (a layer whose values are all missing, such as Roskilde's
    // deadline compliance: no deadline) the role of an unnamed symbol; it draws nothing, so it is hidden.
    for (const g of target.querySelectorAll('g[role="graphics-symbol"]:empty')) g.setAttribute('aria-hidden', 'true');
  }
  async function pipeline() {
    const p = document.getElementById('pipeline');
    if (!p) return;
    const h = await (await fetch('/healthz')).json();
    p.textContent = p.dataset.template.replace('{log}', numbers.format(h.logPosition)).replace('{projection}', numbers.format(h.projectionPosition)).replace('{lag}', numbers.format(h.lag));
  }
  // Charts that draw the same report share one request: the server runs reports one at a time.
  const requests = new Map();
  function rowsOf(url) {
    let rows = requests.get(url);
    if (!rows) {
      rows = fetch(url, { headers: { accept: 'application/json' } }).then(async (res) => {
        if (!res.ok) throw new Error((await res.json()).detail || res.statusText);
        return res.json();
      });
      requests.set(url, rows);
    }
    return rows;
  }
  async function draw(chart) {
    const target = document.getElementById(chart.id);
    try {
      // Each chart gets its own row objects: Vega tags the tuples it ingests.
      const all = (await rowsOf(chart.url)).map((r) => Object.assign({}, r));
      // (a column in the page's language: the dead letters' English rules in Danish)
      for (const c of chart.columns.filter((x) => x.rewrite)) {
        const patterns = c.rewrite.map(([source, flags, to]) => [new RegExp(source, flags), to]);
        for (const r of all) {
          const found = typeof r[c.field] === 'string' && patterns.find(([pattern]) => pattern.test(r[c.field]));
          if (found) r[c.field] = r[c.field].replace(found[0], found[1]);
        }
      }
      // quarters as Danish statistics writes them, 2025K1 (in the same order; the CSV keeps 2025-Q1)
      if (danish) for (const r of all) if (typeof r.period === 'string') r.period = r.period.replace(/^(\d{4})-Q([1-4])$/, '$1K$2');
      // (the reports with a row per offer were asked for the chosen offer's rows; the others are about every offer)
      const rows = all;
      if (chart.kpi) showKpi(chart, rows);
      // (a stable sort: the report's order within each code)
      const rank = (r) => { const i = chart.tableOrder.codes.indexOf(r[chart.tableOrder.field]); return i < 0 ? chart.tableOrder.codes.length : i; };
      const tableRows = chart.tableOrder ? rows.slice().sort((a, b) => rank(a) - rank(b)) : rows;
      fillTable(document.getElementById(chart.id + '-table'), chart.columns, tableRows);
      // (rows without a value the chart draws, such as a compliance without deadline, draw nothing)
      const drawsRow = (r) => !chart.drawsIf || chart.drawsIf.fields.some((f) => r[f] !== null && r[f] !== undefined && !(chart.drawsIf.nonZero && r[f] === 0));
      const drawn = (rs) => rs.filter(drawsRow);
      if (drawn(rows).length === 0) {
        // an empty frame with axes would look like a chart that failed to draw; the chart's own
        // words say why the report has nothing to draw, unless it was the offer filter
        target.textContent = (!chart.offerFiltered && chart.empty) || config.empty;
        target.dataset.rendered = '0';
        target.classList.add('empty');
        return;
      }
      // Every layer names its data `rows`; datasets fills that name once for the whole spec.
      const spec = Object.assign({}, chart.spec, { datasets: { rows: rows } });
      if (target.clientWidth < NARROW) narrow(spec, target.clientWidth);
      await vegaEmbed(target, spec, {
        renderer: 'svg',
        actions: { export: true, source: false, compiled: false, editor: false },
        i18n: config.embed,
        formatLocale, timeFormatLocale,
      });
      label(target);
      target.dataset.rendered = String(rows.length);
    } catch (err) {
      target.textContent = String(err && err.message ? err.message : err);
      target.dataset.error = 'true';
    }
  }
  // Back to a page (from the browser's cache, or with the form as the user left it): the filter
  // form shows the filters of the address, which are the ones the charts were drawn with.
  window.addEventListener('pageshow', () => {
    const form = document.querySelector('form');
    if (form) form.reset();
  });
  window.addEventListener('DOMContentLoaded', () => {
    Promise.all([pipeline(), ...config.charts.map(draw)]).then(() => { document.body.dataset.ready = 'true'; });
  });
})();
