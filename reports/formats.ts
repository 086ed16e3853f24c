import { stringify } from 'csv-stringify/sync';
import { DateDay, Field, Float64, Int32, List, Table, Utf8, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import { formatTable } from '../cli/table.ts';
import type { ColumnKind, ReportDef } from './catalogue.ts';
import type { Cell, ReportResult } from './runner.ts';

/** Output formats of `sel104 report` (and the API's content types). */
export const TEXT_FORMATS = ['table', 'json', 'csv', 'excel-csv'] as const;
export const FILE_FORMATS = ['parquet', 'arrow'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];
export type ReportFormat = TextFormat | (typeof FILE_FORMATS)[number];

const kindOf = (def: ReportDef, col: string): ColumnKind => (col === 'period' ? 'text' : def.columns[col]!);

/** Percentages always with one decimal (contract §4); lists joined; null as an empty cell. */
const plain = (kind: ColumnKind, v: Cell): string =>
  v === null ? '' : Array.isArray(v) ? v.join(', ') : kind === 'pct' && typeof v === 'number' ? v.toFixed(1) : String(v);

/** Danish Excel: decimal comma in numbers; dates and texts as they are. */
const danish = (kind: ColumnKind, v: Cell): string =>
  (kind === 'pct' || kind === 'number') && typeof v === 'number' ? plain(kind, v).replace('.', ',') : plain(kind, v);

export function renderText(result: ReportResult, format: TextFormat): string {
  const { def, columns, rows } = result;
  switch (format) {
    case 'json':
      return JSON.stringify(rows) + '\n';
    case 'table':
      return formatTable(rows.map((r) => Object.fromEntries(columns.map((c) => [c, plain(kindOf(def, c), r[c]!)]))), columns) + '\n';
    case 'csv':
      return stringify(rows.map((r) => columns.map((c) => plain(kindOf(def, c), r[c]!))), { header: true, columns });
    case 'excel-csv':
      // What Danish Excel opens correctly: a UTF-8 byte-order mark, ';' between fields, decimal comma, CRLF.
      return '\uFEFF' + stringify(rows.map((r) => columns.map((c) => danish(kindOf(def, c), r[c]!))), {
        header: true, columns, delimiter: ';', record_delimiter: 'windows',
      });
  }
}

function arrowVector(kind: ColumnKind, values: Cell[]): Vector {
  switch (kind) {
    case 'int': return vectorFromArray(values as (number | null)[], new Int32());
    case 'pct':
    case 'number': return vectorFromArray(values as (number | null)[], new Float64());
    case 'date': return vectorFromArray(values.map((v) => (v === null ? null : new Date(`${v as string}T00:00:00Z`))), new DateDay());
    case 'list': return vectorFromArray(values as string[][], new List(new Field('item', new Utf8(), true)));
    case 'text': return vectorFromArray(values as (string | null)[], new Utf8());
  }
}

/** The rows as an Arrow IPC stream, typed from the catalogue (counts Int32, percentages Float64, dates DateDay). */
export function toArrowIpc(result: ReportResult): Uint8Array {
  const { def, columns, rows } = result;
  const vectors = Object.fromEntries(columns.map((c) => [c, arrowVector(kindOf(def, c), rows.map((r) => r[c]!))]));
  return tableToIPC(new Table(vectors), 'stream');
}
