import type { DuckDBConnection } from '@duckdb/node-api';
import { holdsSimulatedEvents } from '../../producers/embeddedLog.ts';
import { Sel104Error } from '../../schemas/errors.ts';
import type { Standard } from '../../schemas/standard.ts';
import { CountBook } from './cells.ts';
import { loadCouncilData } from './data.ts';
import { councilHtml } from './html.ts';
import type { CouncilPeriod } from './period.ts';
import { provenance, versionsInForce } from './provenance.ts';
import type { Section, SectionBuilder } from './section.ts';
import { attendanceSection } from './sections/attendance.ts';
import { complaintsSection } from './sections/complaints.ts';
import { daysPerWeekSection } from './sections/daysPerWeek.ts';
import { eligibilitySection } from './sections/eligibility.ts';
import { followUpSection } from './sections/followUp.ts';
import { migrationSection } from './sections/migration.ts';
import { processingTimeSection } from './sections/processingTime.ts';
import { volumeSection } from './sections/volume.ts';

/**
 * `sel104 council-report`: the report to the municipal council, in the order of the quality
 * standard's own sections. Every count of every section goes into one suppression system
 * before anything is rendered.
 */
const SECTIONS: readonly SectionBuilder[] = [
  volumeSection,
  processingTimeSection,
  daysPerWeekSection,
  attendanceSection,
  followUpSection,
  complaintsSection,
  migrationSection,
  eligibilitySection,
];

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
  const data = await loadCouncilData(conn, municipality, period, standards);
  const book = new CountBook();
  const drafts = SECTIONS.map((build) => build(data, book)).filter((d) => d !== undefined);
  const shown = book.seal();
  const sections: Section[] = [];
  for (const draft of drafts) sections.push(await draft.render(shown));
  return councilHtml({
    municipalityName: municipalityName(standard),
    standardName: standard.name,
    period,
    provenance: await provenance(conn, municipality, period.asOf),
    versions: versionsInForce(standard, period, data.processingTime),
    sections,
    exposed: shown.suppression.exposed.size,
    marks: shown.marks,
    simulated: await holdsSimulatedEvents(conn),
  });
}
