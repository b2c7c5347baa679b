import { Knex } from 'knex';
import { OwnerCriteria } from './types';

/** Reads a timestamp column: PostgreSQL returns Date, SQLite a number or an ISO string. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number') {
    return new Date(value);
  }
  return new Date(String(value));
}

export function toOptionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : toDate(value);
}

/**
 * Adds the permission framework's conditions to a query, as SQL over the `owner` column (or
 * `region`, for the region rule of instances). Handles
 * `allOf`, `anyOf` and `not` so that any policy's combination works.
 */
export function applyOwnerCriteria(
  builder: Knex.QueryBuilder,
  criteria: OwnerCriteria,
  column = 'owner',
): void {
  if ('allOf' in criteria) {
    builder.where(b => {
      for (const c of criteria.allOf) {
        b.andWhere(inner => applyOwnerCriteria(inner, c, column));
      }
    });
  } else if ('anyOf' in criteria) {
    builder.where(b => {
      for (const c of criteria.anyOf) {
        b.orWhere(inner => applyOwnerCriteria(inner, c, column));
      }
    });
  } else if ('not' in criteria) {
    builder.whereNot(b => applyOwnerCriteria(b, criteria.not, column));
  } else if (criteria.values.length === 0) {
    // Owned by nobody in an empty list: matches nothing.
    builder.whereRaw('1 = 0');
  } else {
    builder.whereIn(
      criteria.key === 'region' ? 'region' : column,
      criteria.values,
    );
  }
}
