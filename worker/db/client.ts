import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export function getDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
export type Db = ReturnType<typeof getDb>;

const dialect = new SQLiteAsyncDialect();

/**
 * Runs raw `sql` statements as one D1 batch: one transaction, all or nothing. Used where a write
 * needs conditional inserts and sub-selects that the query builder cannot batch.
 */
export async function batchSql(db: Db, statements: SQL[]): Promise<D1Result[]> {
  const d1 = db.$client;
  return d1.batch(
    statements.map((s) => {
      const q = dialect.sqlToQuery(s);
      return d1.prepare(q.sql).bind(...q.params);
    }),
  );
}
