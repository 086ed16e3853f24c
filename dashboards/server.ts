import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import accepts from '@fastify/accepts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Database } from '../consumers/database.ts';
import { holdsSimulatedEvents } from '../producers/embeddedLog.ts';
import { catchUp } from '../consumers/projector.ts';
import { ERRORS, Sel104Error, toSel104Error } from '../schemas/errors.ts';
import { loadStandards, type Standard } from '../schemas/standard.ts';
import { OFFER_REPORTS, REPORT_NAMES, REPORTS } from '../reports/catalogue.ts';
import { ReportParams, todayInCopenhagen } from '../reports/params.ts';
import { renderText, toArrowIpc } from '../reports/formats.ts';
import { checkOfferKnown, checkRequest, runReport, type ReportResult } from '../reports/runner.ts';
import { ProjectionCache } from './reportCache.ts';
import { publicArrowIpc, publicPeriods, publicDeclaration } from '../reports/public.ts';
import { buildPublication, publishedReport, type Publication, type PublicRequest } from '../reports/publication.ts';
import { type AccessTokens, type Role } from './access.ts';
import { PAGES, findPage } from './charts.ts';
import { registeredOffers } from '../reports/offers.ts';
import { renderDashboardPage, type Filters } from './dashboardPage.ts';
import { createMetrics } from './metrics.ts';
import { lastDataDate, overview } from './overview.ts';
import { embeddedPipeline, ingestEmbedded, type Pipeline } from './pipeline.ts';
import { escapeHtml, parseLang, renderOverviewPage } from './overviewPage.ts';

/** The media types a report is served as, by the `format` parameter that stands in for Accept; JSON first, the default. */
const REPORT_TYPES = { json: 'application/json', csv: 'text/csv', arrow: 'application/vnd.apache.arrow.stream' } as const;
type ReportFormat = keyof typeof REPORT_TYPES;
/**
 * The Content-Type of each format, parameters included: the Accept header is weighed against
 * these, so a media range with parameters matches when they are the ones served
 * (`application/json; charset=utf-8`, `text/csv;header=present`) and not otherwise (`text/csv; charset=latin1`).
 */
const SERVED_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  arrow: 'application/vnd.apache.arrow.stream',
};
const formatOfType = new Map(Object.entries(SERVED_TYPES).map(([f, t]) => [t, f as ReportFormat]));

export interface ServerOptions {
  db: Database;
  /** Default: the shipped standards, which name the municipalities. */
  standards?: ReadonlyMap<string, Standard>;
  logger?: boolean;
  /** Bearer tokens with roles; with none, every request is allowed (the server is then loopback-only). */
  tokens?: AccessTokens;
  /** Largest NDJSON body POST /api/events accepts (bytes); larger bodies get 413. */
  ingestLimit?: number;
  /** The log behind the server (default: the embedded log in `db`). */
  pipeline?: Pipeline;
  /**
   * Called before the database is used; a new Database replaces the current one (a server that
   * reads the copy a separate projector publishes). The old one is closed once nothing uses it.
   */
  refresh?: () => Promise<Database | undefined>;
}

/** The query parameters a dashboard page reads; the others are ignored. */
const FILTER_KEYS = ['lang', 'offer', 'municipality', 'from', 'to', 'on'] as const;

// Nothing on the page comes from elsewhere, so the browser may load nothing from elsewhere.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
}

// vega compiles its expressions with Function, hence 'unsafe-eval'; everything else is this origin only.
const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The packages export no subpaths, so their browser builds are found beside their entry points.
const buildFile = (pkg: string, file: string): string => join(dirname(fileURLToPath(import.meta.resolve(pkg))), file);
const VENDOR: Readonly<Record<string, string>> = {
  'vega.min.js': buildFile('vega', 'vega.min.js'),
  'vega-lite.min.js': buildFile('vega-lite', 'vega-lite.min.js'),
  'vega-embed.min.js': buildFile('vega-embed', 'vega-embed.min.js'),
};
const DASHBOARD_JS = fileURLToPath(new URL('./static/dashboard.js', import.meta.url));
const assets = new Map<string, Buffer>();
const readAsset = (file: string): Buffer => {
  let b = assets.get(file);
  if (!b) assets.set(file, (b = readFileSync(file)));
  return b;
};

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; `code` is the SEL104_ERR_… code of schemas/errors.ts',
  properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' } },
};

/** The report parameters' schema with `format`, which stands in for the Accept header. */
function withFormat<T extends { properties?: Record<string, unknown> }>(schema: T): T {
  return { ...schema, properties: { ...schema.properties, format: { type: 'string', enum: Object.keys(REPORT_TYPES), description: 'instead of the Accept header: json, csv or arrow' } } };
}

const REPORT_ROUTE_SCHEMA = {
  summary: 'Run one report of the catalogue',
  description:
    'JSON rows by default; an Arrow IPC stream for Accept: application/vnd.apache.arrow.stream; CSV for Accept: text/csv. ' +
    'The Accept header is weighed by its q-values (*/* or none: JSON); one that accepts none of the three is 406. format=json|csv|arrow stands in for it (download links). ' +
    'A token with the role council (and not read) always gets the public version: aggregate reports only (case-level reports are 403), ' +
    'counts from 1 to 4 as "<5", counts and percentages that would give them away as "." (so count cells may be strings; in Arrow, those columns are Utf8), ' +
    'over whole calendar years that have ended (several years by=year), each year suppressed together with every other public report and the council report of that year. ' +
    'standard-evidence, composed of many report runs, is kept until the projection moves (header x-sel104-cache: hit or miss); Cache-Control: no-cache runs it again.',
  tags: ['reports'],
  params: { type: 'object', properties: { name: { type: 'string', enum: [...REPORT_NAMES] } }, required: ['name'] },
  querystring: withFormat(z.toJSONSchema(ReportParams, { io: 'input', unrepresentable: 'any' })),
  response: { 200: { description: 'the report rows', type: 'array', items: { type: 'object', additionalProperties: true } }, 400: problemSchema, 403: problemSchema, 404: problemSchema, 406: problemSchema },
};

const INGEST_ROUTE_SCHEMA = {
  summary: 'Ingest NDJSON events (Content-Type: application/x-ndjson)',
  tags: ['ingest'],
  response: {
    200: {
      type: 'object',
      properties: {
        received: { type: 'integer' }, accepted: { type: 'integer' }, duplicates: { type: 'integer' },
        rejected: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, reasons: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, rule: { type: 'string' } } } } } } },
      },
    },
    413: problemSchema,
    415: problemSchema,
  },
};

const sendProblem = (reply: FastifyReply, p: Problem) =>
  reply.code(p.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(p));
/** A catalogued error as problem+json, with its code. */
const sendError = (reply: FastifyReply, e: Sel104Error) =>
  sendProblem(reply, { type: `urn:sel104:error:${e.code}`, title: ERRORS[e.code].title, status: e.status, detail: e.message, code: e.code });

/**
 * The HTTP face of sel104: the dashboards, the report API, event ingest, the health check, metrics
 * and the OpenAPI description.
 */
export function buildServer({ db: initialDb, standards = loadStandards(), logger = false, tokens, ingestLimit = 32 << 20, pipeline = embeddedPipeline(), refresh }: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger,
    // a URL fastify cannot decode (`/api/reports/%zz`) is a problem like any other
    frameworkErrors: (err, _request, reply) => sendError(reply, new Sel104Error('SEL104_ERR_USAGE', err.message)),
  });
  let db = initialDb;
  // Reports run on a connection of their own: its temp tables hold the report parameters.
  let reportConn: Promise<DuckDBConnection> | undefined;
  const reportConnection = () => (reportConn ??= db.instance.connect());
  // standard-evidence runs the metric reports about 10 times (0.4–0.6 s at scale 20): its rows are
  // kept until the projection moves. Every other report runs on each request.
  const composed = new ProjectionCache<ReportResult>();
  // A council token reads a year's publication: every public report and the council report of the
  // year, run and suppressed together (about 1 s on the demo data), kept until the projection moves.
  const publications = new ProjectionCache<Publication>(8);

  // One DuckDB connection serves every request; queries on it are run one at a time, so a
  // refreshed database can replace the old one between two of them.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const guarded = async () => {
      const next = await refresh?.();
      if (next && next !== db) {
        const [old, oldConn] = [db, reportConn];
        db = next;
        reportConn = undefined;
        composed.clear();
        publications.clear();
        (await oldConn?.catch(() => undefined))?.closeSync();
        old.close();
      }
      return fn();
    };
    const run = queue.then(guarded, guarded);
    queue = run.catch(() => undefined);
    return run;
  };
  // Embedded log: a POST answers once its events are durable in the log, and the projector catches
  // up in the request queue after it, on a connection of its own. A request that arrives after the
  // answer is queued behind that projection, so it sees the posted events; the next POST need not
  // wait for it. Posts that commit while a projection waits share it.
  let projectorConn: Promise<DuckDBConnection> | undefined;
  let projectTo: number | undefined;
  const projectPosted = (upTo: number) => {
    const queued = projectTo !== undefined;
    projectTo = Math.max(projectTo ?? 0, upTo);
    if (queued) return;
    serial(async () => {
      const until = projectTo!;
      projectTo = undefined;
      await catchUp(await (projectorConn ??= db.instance.connect()), { until });
    }).catch((err: unknown) => app.log.error({ err }, 'projecting posted events failed; the next POST or a restart catches up'));
  };

  // Database work for the pipeline's status, in the request queue
  const onDb = <T>(fn: (d: Database) => Promise<T>): Promise<T> => serial(() => fn(db));

  app.addHook('onClose', async () => {
    await queue;
    (await reportConn?.catch(() => undefined))?.closeSync();
    (await projectorConn?.catch(() => undefined))?.closeSync();
  });

  // OpenAPI from the routes' schemas (themselves derived from the zod schemas), with Swagger UI
  // at /docs served from node_modules. Validation stays with zod, so fastify's own validator is off.
  app.setValidatorCompiler(() => () => true);
  app.register(swagger, {
    openapi: {
      info: { title: 'sel104', version: '0.1.0', description: 'Reports and event ingest for activity and social-contact offers (Serviceloven §104)' },
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });
  // request.accepts(): the Accept header weighed by its q-values (report formats)
  app.register(accepts);
  // Swagger UI finds the spec by appending "/json" to the page's address, which with a query
  // string ("/docs?", "/docs?lang=en") lands in the query: such addresses go to the bare page.
  app.addHook('onRequest', async (request, reply) => {
    if (/^\/docs\/?\?/.test(request.raw.url ?? '')) return reply.redirect('/docs/', 302);
  });

  // Each route names the role it needs, or the roles any one of which will do (config.role);
  // /healthz and /docs need none. The token's roles are kept for the route (the report route
  // serves a council-only token the public version).
  const rolesOfRequest = new WeakMap<object, ReadonlySet<Role>>();
  if (tokens && tokens.size > 0) {
    app.addHook('onRequest', async (request, reply) => {
      const role = (request.routeOptions.config as { role?: Role | readonly Role[] } | undefined)?.role;
      if (!role) return;
      // the scheme's name is case-insensitive (RFC 9110 §11.1)
      const bearer = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1];
      const roles = bearer ? tokens.rolesOf(bearer) : undefined;
      if (!roles) {
        reply.header('www-authenticate', 'Bearer');
        throw new Sel104Error('SEL104_ERR_UNAUTHENTICATED', 'a valid access token is required: Authorization: Bearer TOKEN');
      }
      const anyOf: readonly Role[] = typeof role === 'string' ? [role] : role;
      if (!anyOf.some((r) => roles.has(r))) throw new Sel104Error('SEL104_ERR_FORBIDDEN', `this token lacks the role ${anyOf.map((r) => `"${r}"`).join(' or ')}`);
      rolesOfRequest.set(request, roles);
    });
  }

  // Whether the pages say that their figures are simulated (the demo): read once per database,
  // and again after a POST adds events to a log that held no simulated ones (the log only grows,
  // so once it holds them it always will).
  const demoOf = new WeakMap<Database, Promise<boolean>>();
  const holdsDemo = (): Promise<boolean> => {
    let known = demoOf.get(db);
    if (!known) demoOf.set(db, (known = serial(() => holdsSimulatedEvents(db.conn))));
    return known;
  };
  const eventsAdded = (to: Database) => {
    const known = demoOf.get(to);
    known?.then((demo) => {
      if (!demo && demoOf.get(to) === known) demoOf.delete(to);
    }, () => demoOf.delete(to));
  };

  app.register(async (api) => {
    // The start page is the Overblik dashboard; the pipeline's own overview is at /pipeline.
    api.get('/', { schema: { hide: true } }, async (request, reply) => {
      const lang = parseLang((request.query as Record<string, unknown>).lang);
      return reply.redirect(lang === 'en' ? '/dashboards/overblik?lang=en' : '/dashboards/overblik', 302);
    });

    for (const path of ['/dashboards', '/dashboards/']) {
      api.get(path, { schema: { hide: true } }, async (request, reply) => {
        const lang = parseLang((request.query as Record<string, unknown>).lang);
        return reply.redirect(lang === 'en' ? '/dashboards/overblik?lang=en' : '/dashboards/overblik', 302);
      });
    }

    api.get('/pipeline', { schema: { hide: true }, config: { role: 'read' } }, async (request, reply) => {
      const lang = parseLang((request.query as Record<string, unknown>).lang);
      const data = await serial(() => overview(db.conn));
      return reply
        .type('text/html; charset=utf-8')
        .header('content-language', lang)
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-store')
        .send(renderOverviewPage(data, { lang, standards, demo: await holdsDemo() }));
    });

    // 200 while the dashboards can be served; with the log unreachable the status says so, with
    // the last known positions and lag.
    api.get('/healthz', { schema: { summary: 'Log position, projection position and lag', tags: ['operations'] } }, async (_request, reply) => {
      const p = await pipeline.status(onDb);
      return reply.header('cache-control', 'no-store').send({ status: !p.available ? 'log unavailable' : p.problem !== undefined ? 'projector stopped' : 'ok', ...p });
    });

    const metrics = createMetrics(() => pipeline.status(onDb));
    api.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] }, config: { role: 'read' } }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(await metrics.registry.metrics()));

    // Dashboards: one page per area, their filters in the URL, checked like report parameters.
    api.get('/dashboards/:page', { schema: { hide: true }, config: { role: 'read' } }, async (request, reply) => {
      const page = findPage((request.params as { page: string }).page);
      if (!page) {
        // a mistyped address (fremmøde with its ø, say): a page in the reader's language naming the dashboards
        const lang = parseLang((request.query as Record<string, unknown>).lang);
        const suffix = lang === 'en' ? '?lang=en' : '';
        const [title, text] = lang === 'en' ? ['No such dashboard', 'These are the dashboards:'] : ['Siden findes ikke', 'Dashboardene er:'];
        const links = PAGES.map((p) => `<li><a href="/dashboards/${p.id}${suffix}">${escapeHtml(p.title[lang])}</a></li>`).join('');
        return reply.code(404).type('text/html; charset=utf-8').header('content-security-policy', DASHBOARD_CSP).header('cache-control', 'no-store')
          .send(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title} — sel104</title></head><body><h1>${title}</h1><p>${text}</p><ul>${links}</ul></body></html>`);
      }
      // Only the page's own filters count: a link may carry others (a mail program's tracking, say).
      // A filter given twice is a bad filter, shown without its values.
      const query = request.query as Record<string, string | string[] | undefined>;
      const repeated = FILTER_KEYS.find((k) => Array.isArray(query[k]));
      const once = (k: (typeof FILTER_KEYS)[number]) => (Array.isArray(query[k]) ? undefined : query[k] as string | undefined);
      const [offer, municipality, from, to, onDate] = [once('offer'), once('municipality'), once('from'), once('to'), once('on')];
      const lang = parseLang(once('lang'));
      const f = Object.fromEntries(Object.entries({ municipality, from, to, on: onDate }).filter(([, v]) => v !== undefined && v !== '')) as Filters;
      try {
        if (repeated) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `${repeated}: must be given once`);
        // (checked as the parameters of a report with a row per offer, which takes them all)
        checkRequest(OFFER_REPORTS[0]!, { ...f, ...(offer ? { offer } : {}) }, { standards });
      } catch (err) {
        // a filter the reports cannot take: the page in the user's language with the filter
        // form to mend it, and no chart
        const e = toSel104Error(err);
        if (e.code !== 'SEL104_ERR_BAD_PARAMETER') throw e;
        const [field, ...rule] = e.message.split(': ');
        return reply.code(400).type('text/html; charset=utf-8').header('content-security-policy', DASHBOARD_CSP).header('cache-control', 'no-store')
          .send(renderDashboardPage(page, { lang, filters: { ...f, offer: offer || undefined }, standards, problem: { field: field!, rule: rule.join(': ') } }));
      }
      // Without --on the dashboards show the state on the last data date (not after today).
      const on = f.on ?? (await serial(() => lastDataDate(db.conn, todayInCopenhagen())));
      // the offers by name: the offer filter lists them, the charts and tables name them
      const offers = await serial(() => registeredOffers(db.conn));
      // an offer never registered nor named by any event is a typo: said, not drawn as "no data"
      if (offer && !offers.some((o) => o.offerId === offer)) {
        const unknown = await serial(() => checkOfferKnown(db.conn, offer).then(() => undefined, (err: unknown) => toSel104Error(err)));
        if (unknown) {
          const [field, ...rule] = unknown.message.split(': ');
          return reply.code(400).type('text/html; charset=utf-8').header('content-security-policy', DASHBOARD_CSP).header('cache-control', 'no-store')
            .send(renderDashboardPage(page, { lang, filters: { ...f, offer }, standards, offers, problem: { field: field!, rule: rule.join(': ') } }));
        }
      }
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', DASHBOARD_CSP)
        .header('cache-control', 'no-store')
        .send(renderDashboardPage(page, { lang, filters: { municipality: f.municipality, from: f.from, to: f.to, on, offer: offer || undefined }, standards, offers, demo: await holdsDemo() }));
    });

    // vega, vega-lite and vega-embed from node_modules: nothing is fetched from a CDN.
    api.get('/vendor/:file', { schema: { hide: true } }, async (request, reply) => {
      const name = (request.params as { file: string }).file;
      const file = Object.hasOwn(VENDOR, name) ? VENDOR[name] : undefined;
      if (!file) return sendProblem(reply, { type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such file' });
      return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(readAsset(file));
    });
    api.get('/static/dashboard.js', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(readAsset(DASHBOARD_JS)));

    api.get('/api/reports', { schema: { summary: 'The report catalogue', tags: ['reports'] }, config: { role: 'read' } }, async () => REPORTS.map(({ name, rowsPer, anchor, columns }) => ({ name, rowsPer, anchor, columns: Object.keys(columns) })));

    // The report parameters as a query string (the same zod schema as the CLI); JSON by default,
    // an Arrow IPC stream or CSV when the Accept header asks for it. A council token without
    // `read` gets the public version, with the default threshold, whatever it asks for.
    api.get('/api/reports/:name', { schema: REPORT_ROUTE_SCHEMA, config: { role: ['read', 'council'] } }, async (request, reply) => {
      const { name } = request.params as { name: string };
      // `format=csv|arrow` in the query string stands in for the Accept header (download links).
      const { format, ...query } = request.query as Record<string, unknown>;
      // (a parameter given twice said "must be a 3-digit municipality code" of a list)
      const repeated = Object.keys(request.query as object).find((k) => Array.isArray((request.query as Record<string, unknown>)[k]));
      if (repeated) throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `${repeated}: must be given once`);
      // an offset's "+" not written %2B arrives as a space: say so, it is the usual slip
      if (typeof query.asOf === 'string' && /T[\d:.]+ \d\d:?\d\d$/.test(query.asOf)) {
        throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', `asOf: must be an ISO 8601 timestamp with offset; "${query.asOf}" has a space where the offset's + goes (a + in a URL must be written %2B)`);
      }
      if (format !== undefined && format !== 'json' && format !== 'csv' && format !== 'arrow') {
        throw new Sel104Error('SEL104_ERR_BAD_PARAMETER', 'format: must be json, csv or arrow');
      }
      const { def, params } = checkRequest(name, query, { standards });
      // the format, before the report runs: the first of ours the Accept header weighs highest
      // (JSON for */* or no header); none of them acceptable is 406
      const served = request.accepts().type([...Object.values(SERVED_TYPES)]);
      const type = format ? REPORT_TYPES[format] : typeof served === 'string' ? REPORT_TYPES[formatOfType.get(served)!] : undefined;
      reply.header('vary', 'Accept');
      if (!type) throw new Sel104Error('SEL104_ERR_NOT_ACCEPTABLE', `accept: reports are served as ${Object.values(REPORT_TYPES).join(', ')}; the request accepts none of them ("${request.headers.accept}")`);
      const roles = rolesOfRequest.get(request);
      const publicOnly = roles !== undefined && !roles.has('read');
      // Case-level reports are refused before they run.
      let asked: PublicRequest | undefined;
      if (publicOnly) {
        publicDeclaration(def);
        const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
        asked = { ...publicPeriods(params, { on: text(query.on), asOf: text(query.asOf) }), ...(params.municipality ? { municipality: params.municipality } : {}) };
      }
      const stop = metrics.reportSeconds.startTimer({ report: name });
      const result = await serial(async () => {
        const conn = await reportConnection();
        if (asked) {
          const publication = async (year: number) => (await publications.get(conn, String(year), () => buildPublication(conn, year, { standards }))).value;
          return (await publishedReport(def.name, asked, publication)).result;
        }
        if (def.name !== 'standard-evidence') return runReport(conn, name, query, { standards });
        // the key holds the parameters as resolved (the default --on is today's date); a request
        // with Cache-Control: no-cache runs the report again
        const fresh = /\bno-cache\b/.test(request.headers['cache-control'] ?? '');
        const { value, hit } = await composed.get(conn, JSON.stringify([def.name, params]), () => runReport(conn, name, query, { standards }), fresh);
        reply.header('x-sel104-cache', hit ? 'hit' : 'miss');
        return value;
      });
      stop();
      reply.header('cache-control', 'no-store');
      if (type === REPORT_TYPES.arrow) {
        return reply.type('application/vnd.apache.arrow.stream').send(Buffer.from(publicOnly ? publicArrowIpc(result) : toArrowIpc(result)));
      }
      if (type === REPORT_TYPES.csv) {
        return reply.type(SERVED_TYPES.csv).header('content-disposition', `attachment; filename="${name}.csv"`).send(renderText(result, 'csv'));
      }
      return reply.type(SERVED_TYPES.json).send(JSON.stringify(result.rows));
    });

    // Ingest: the same validation, log and dead-letter path as `sel104 import`. The events are in the
    // log before the response is sent, one POST at a time; the embedded log's projection follows
    // (projectPosted), Kafka's is the consumer group's.
    let ingesting: Promise<unknown> = Promise.resolve();
    const ingestQueue = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = ingesting.then(fn, fn);
      ingesting = run.catch(() => undefined);
      return run;
    };
    api.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer', bodyLimit: ingestLimit }, (_request, body, done) => done(null, body));
    // The body's type and coding are checked before it is read: another type is 415 whatever its
    // size (not 413 by another parser's limit, nor 400 from the JSON parser), and so is a
    // compressed body, which would otherwise be read as bytes of NDJSON.
    const checkIngestBody = (request: FastifyRequest): void => {
      if (!/^application\/x-ndjson\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
        throw new Sel104Error('SEL104_ERR_UNSUPPORTED_MEDIA_TYPE', 'POST /api/events takes NDJSON: Content-Type: application/x-ndjson');
      }
      const coding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
      if (coding !== '' && coding !== 'identity') {
        throw new Sel104Error('SEL104_ERR_UNSUPPORTED_MEDIA_TYPE', `content-encoding ${coding}: POST /api/events takes an uncompressed body`);
      }
    };
    api.post('/api/events', { schema: INGEST_ROUTE_SCHEMA, config: { role: 'ingest' }, onRequest: async (request) => checkIngestBody(request) }, async (request, reply) => {
      const body = request.body as Buffer;
      // Kafka: produced and acknowledged; embedded: in the log, its projection queued before the answer.
      const target = db;
      // Each request is an input of its own: the same bad line posted twice is two dead letters (the
      // store keeps a (source, line, text) once, so that a file imported again adds none)
      const source = `http ${new Date().toISOString()} ${request.id}`;
      const r = await ingestQueue(() => (pipeline.log === 'kafka' ? pipeline.ingest(body, source) : ingestEmbedded(target, body, source, { project: false })));
      if (pipeline.log === 'embedded' && r.accepted > 0) projectPosted(r.logPosition);
      if (r.accepted > 0) eventsAdded(target);
      metrics.events.inc({ result: 'accepted' }, r.accepted);
      metrics.events.inc({ result: 'duplicate' }, r.duplicates);
      metrics.events.inc({ result: 'rejected' }, r.rejected);
      // `rejected` lists the first MAX_REJECTIONS_LISTED lines; the header counts them all (all are in the dead-letter store)
      return reply.header('cache-control', 'no-store').header('x-sel104-rejected', String(r.rejected))
        .send({ received: r.received, accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejections });
    });
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );

  app.setErrorHandler((err, request, reply) => {
    if ((err as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      err = new Sel104Error('SEL104_ERR_BODY_TOO_LARGE', `the body is larger than the limit of ${ingestLimit} bytes; send the events in several requests`);
    }
    // Fastify's own client errors (bad JSON, too large, …) keep their 4xx status.
    const clientStatus = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 0;
    if (clientStatus >= 400 && clientStatus < 500) {
      return sendProblem(reply, { type: 'about:blank', title: STATUS_CODES[clientStatus] ?? 'Bad Request', status: clientStatus, detail: (err as Error).message });
    }
    const e = toSel104Error(err);
    if (e.status >= 500) process.stderr.write(`sel104: ${e.message} [${e.code}]\n`);
    // A person opening a page without a token (a browser sends none by itself): a page in their
    // language saying how the pages are reached, not JSON
    const page = /^\/(dashboards|pipeline)(\/|\?|$)/.test(request.url) && /text\/html/.test(request.headers.accept ?? '');
    if (page && (e.code === 'SEL104_ERR_UNAUTHENTICATED' || e.code === 'SEL104_ERR_FORBIDDEN')) {
      const lang = parseLang((request.query as Record<string, unknown> | undefined)?.lang);
      const [title, text] = lang === 'en'
        ? ['Access required', 'This server gives its pages only to requests with an access token, and a browser sends none by itself. Open the dashboards through the address your IT department has put in front of sel104 (a proxy that signs you in and adds the token).']
        : ['Adgang kræves', 'Serveren viser kun sine sider til forespørgsler med en adgangsnøgle, og en browser sender ingen af sig selv. Åbn dashboardene gennem den adresse, jeres it-afdeling har sat foran sel104 (en proxy, der logger jer ind og tilføjer nøglen).'];
      return reply.code(e.status).type('text/html; charset=utf-8').header('content-security-policy', DASHBOARD_CSP).header('cache-control', 'no-store')
        .send(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title} — sel104</title></head><body><h1>${title}</h1><p>${text}</p><p><code>${escapeHtml(e.message)}</code></p></body></html>`);
    }
    return sendError(reply, e);
  });

  return app;
}
