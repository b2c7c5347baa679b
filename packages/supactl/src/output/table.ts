const GAP = '   ';

/** Columns padded to their widest cell, kubectl style; the last column is not padded. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map(row => (row[column] ?? '').length)),
  );
  return [headers, ...rows]
    .map(row =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column]),
        )
        .join(GAP)
        .trimEnd(),
    )
    .map(line => `${line}\n`)
    .join('');
}
