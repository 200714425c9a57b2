// `npm run bench`: runs every test/bench/*.bench.mjs in turn and prints their numbers.
import { readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";

const only = process.argv[2];
const dir = new URL(".", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".bench.mjs") && (!only || f.includes(only))).sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  try {
    const mod = await import(pathToFileURL(new URL(file, dir).pathname).href);
    await mod.default();
  } catch (err) {
    failed++;
    console.error(`${file} failed:`, err?.stack ?? err);
  }
}
process.exit(failed ? 1 : 0);
