/**
 * The reliability suite's summary: each case records what it expected and what happened, and
 * every file prints its table when it ends (the README's testing section shows one).
 */
export interface SummaryRow {
  area: string;
  case: string;
  expected: string;
  actual: string;
}

const rows: SummaryRow[] = [];

export function record(row: SummaryRow): SummaryRow {
  rows.push(row);
  return row;
}

/** Prints `| area | case | expected | actual | ok |` rows, then a pass count per area. */
export function printSummary(title: string): void {
  const header = ['area', 'case', 'expected', 'actual', 'ok'];
  const table = rows.map((row) => [
    row.area,
    row.case,
    row.expected,
    row.actual,
    row.expected === row.actual ? '✓' : '✗',
  ]);
  const widths = header.map((name, column) =>
    Math.max(name.length, ...table.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const passed = table.filter((cells) => cells[4] === '✓').length;
  console.info(
    [
      `\n${title}: ${passed}/${table.length} as expected`,
      line(header),
      line(widths.map((width) => '-'.repeat(width))),
      ...table.map(line),
    ].join('\n'),
  );
  rows.length = 0;
}
