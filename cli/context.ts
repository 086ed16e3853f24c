import { loadStandards, type Standard } from '../schemas/standard.ts';

/** What the CLI validated at start-up and every command may read. */
let standards: ReadonlyMap<string, Standard> | undefined;

export function setStandards(s: ReadonlyMap<string, Standard>): void {
  standards = s;
}

/** The standards in force for this run: `--standards DIR` if given, else the shipped set. */
export function currentStandards(): ReadonlyMap<string, Standard> {
  return (standards ??= loadStandards());
}
