// D1 refuses a statement with more than 100 bound parameters. Every query that binds a list
// splits it with these helpers (or passes the list as one JSON parameter to json_each()).
import { sql, type SQL } from "drizzle-orm";

/** D1's limit of bound parameters per statement. */
export const D1_MAX_BOUND_PARAMETERS = 100;

/** Splits `items` into pieces of at most `size` (at least one item each). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

/**
 * How many list items fit into one statement when each item binds `perItem` parameters and the
 * rest of the statement binds `fixed` ones (e.g. rows of a multi-row INSERT).
 */
export function itemsPerStatement(perItem: number, fixed = 0): number {
  return Math.max(1, Math.floor((D1_MAX_BOUND_PARAMETERS - fixed) / Math.max(1, perItem)));
}

/**
 * A list as ONE bound parameter, for `x IN ${inList(ids)}`: any length fits (a bound string may be
 * up to 2 MB), where inArray() would bind one parameter per item.
 */
export function inList(values: readonly (string | number)[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/** List items per statement when a statement binds a list plus up to 10 other parameters. */
export const LIST_CHUNK = itemsPerStatement(1, 10);
