// CSV text (RFC 4180) through d3-dsv: fields quoted when they hold a comma, quote or line break; CRLF line ends.
import { csvFormatRow, csvFormatValue } from "d3";

export type CsvValue = string | number | boolean | null;

/** d3-dsv formats any value, but its types take strings; null becomes the empty field, as d3 writes it. */
function text(value: CsvValue): string {
  return value === null ? "" : String(value);
}

export function csvField(value: CsvValue): string {
  return csvFormatValue(text(value));
}

/** Header then rows, CRLF-separated, with a final CRLF (d3's csvFormatRows joins with LF, so rows are joined here). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => csvFormatRow(row.map(text))).join("\r\n") + "\r\n";
}
