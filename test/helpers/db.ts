import { env } from "cloudflare:workers";

/** Empties every table (keeps the schema), so each test starts from a clean database. */
export async function resetDb(): Promise<void> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  // Triggers that refuse DELETE (the append-only consent log) are lifted for the reset only.
  const noDelete = await env.DB.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%BEFORE DELETE%'").all<{
    name: string;
    sql: string;
  }>();
  await env.DB.batch([
    env.DB.prepare("PRAGMA defer_foreign_keys = ON"),
    ...noDelete.results.map((t) => env.DB.prepare(`DROP TRIGGER "${t.name}"`)),
    ...tables.results.map((t) => env.DB.prepare(`DELETE FROM "${t.name}"`)),
    ...noDelete.results.map((t) => env.DB.prepare(t.sql)),
  ]);
}

export const count = async (table: string, where = "1=1"): Promise<number> =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).first<{ n: number }>())?.n ?? 0;
