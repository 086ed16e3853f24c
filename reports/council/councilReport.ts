import type { DuckDBConnection } from '@duckdb/node-api';
import { holdsSimulatedEvents } from '../../producers/embeddedLog.ts';
import { Sel104Error } from '../../schemas/errors.ts';
import type { Standard } from '../../schemas/standard.ts';
import { buildPublication } from '../publication.ts';
import { buildCouncil } from './build.ts';
import { councilHtml } from './html.ts';
import { endOfYear, type CouncilPeriod } from './period.ts';
import { provenance, versionsInForce } from './provenance.ts';
import type { Section } from './section.ts';
export interface CouncilReportOptions {
  municipality: string;
  period: CouncilPeriod;
  standards: ReadonlyMap<string, Standard>;
}

/** "Roskilde Kommune — Kvalitetsstandard for …" → "Roskilde Kommune". */
export const municipalityName = (standard: Standard): string => standard.name.split(' — ')[0]?.trim() || `Kommune ${standard.municipality}`;

export async function councilReportHtml(conn: DuckDBConnection, { municipality, period, standards }: CouncilReportOptions): Promise<string> {
  const standard = standards.get(municipality);
  if (!standard) throw new Sel104Error('SEL104_ERR_USAGE', `--municipality: no quality standard for ${municipality} (have ${[...standards.keys()].join(', ')})`);
  // A year that has ended, read as of its end, is printed from its publication: one suppression
  // with every public report of the year (reports/publication.ts). Any other moment is its own.
  const ofYear = period.complete && Date.parse(period.asOf) === Date.parse(endOfYear(period.year)) && Date.parse(period.asOf) < Date.now();
  const { built, shown } = ofYear
    ? (await buildPublication(conn, period.year, { standards })).council.get(municipality)!
    : await (async () => {
      const built = await buildCouncil(conn, municipality, period, standards);
      return { built, shown: built.book.seal() };
    })();
  const { data, drafts, book } = built;
  const own = book.system().values;
  const sections: Section[] = [];
  for (const draft of drafts) sections.push(await draft.render(shown));
  return councilHtml({
    municipalityName: municipalityName(standard),
    standardName: standard.name,
    period,
    provenance: await provenance(conn, municipality, period.asOf),
    versions: versionsInForce(standard, period, data.processingTime),
    sections,
    exposed: [...shown.suppression.exposed].filter((id) => own.has(id)).length,
    withPublic: ofYear,
    marks: shown.marks,
    simulated: await holdsSimulatedEvents(conn),
  });
}
