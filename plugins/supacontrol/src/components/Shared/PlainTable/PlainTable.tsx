import { Table, TableColumn } from '@backstage/core-components';
import { useMemo } from 'react';

/**
 * A compact table of rows in the given order: no search, no sorting, no dragging, and paging
 * only beyond `pageSize` rows (none when `pageSize` is not given).
 */
export function PlainTable<T extends object>(props: {
  title: string;
  columns: TableColumn<T>[];
  rows: T[];
  emptyContent?: JSX.Element;
  pageSize?: number;
}) {
  const { title, columns, rows, emptyContent, pageSize } = props;
  // material-table writes bookkeeping into the row objects; give it copies.
  const data = useMemo(() => rows.map(row => ({ ...row })), [rows]);
  return (
    <Table<T>
      title={title}
      columns={columns}
      data={data}
      emptyContent={emptyContent}
      options={{
        search: false,
        sorting: false,
        padding: 'dense',
        draggable: false,
        paging: pageSize !== undefined && data.length > pageSize,
        ...(pageSize !== undefined && { pageSize }),
      }}
    />
  );
}
