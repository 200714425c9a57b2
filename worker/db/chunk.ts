// D1 refuses a statement with more than 100 bound parameters ("too many SQL variables"). Every
// query that binds a list splits it with these helpers, leaving room for the statement's other
// parameters.

/** D1's limit on bound parameters per statement. */
export const D1_MAX_PARAMS = 100;

/** List items per statement when a statement binds a list plus up to 10 other parameters. */
export const LIST_CHUNK = D1_MAX_PARAMS - 10;

/** Splits `items` into consecutive pieces of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number = LIST_CHUNK): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
