import type { DuckDBConnection } from '@duckdb/node-api';
import type { Standard } from '../../schemas/standard.ts';
import { CountBook } from './cells.ts';
import { loadCouncilData, type CouncilData } from './data.ts';
import type { CouncilPeriod } from './period.ts';
import type { SectionBuilder, SectionDraft } from './section.ts';
import { attendanceSection } from './sections/attendance.ts';
import { complaintsSection } from './sections/complaints.ts';
import { daysPerWeekSection } from './sections/daysPerWeek.ts';
import { eligibilitySection } from './sections/eligibility.ts';
import { followUpSection } from './sections/followUp.ts';
import { migrationSection } from './sections/migration.ts';
import { processingTimeSection } from './sections/processingTime.ts';
import { volumeSection } from './sections/volume.ts';

/**
 * The council report's sections, in the order of the quality standard's own. Every count of
 * every section goes into one CountBook before anything is rendered.
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

export interface CouncilBook {
  readonly data: CouncilData;
  readonly book: CountBook;
  readonly drafts: readonly SectionDraft[];
}

/** Reads one municipality's year and registers every count the council report shows. */
export async function buildCouncil(conn: DuckDBConnection, municipality: string, period: CouncilPeriod, standards: ReadonlyMap<string, Standard>): Promise<CouncilBook> {
  const data = await loadCouncilData(conn, municipality, period, standards);
  const book = new CountBook();
  const drafts = SECTIONS.map((build) => build(data, book)).filter((d) => d !== undefined);
  return { data, book, drafts };
}
