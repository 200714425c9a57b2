// Size of the sign-up widget as the town's visitors download it: dist/public/widget.js, raw and
// gzipped (level 9, as CDNs serve it). Builds the widget first, so the number is never stale.
// Budget: 6 KB gzipped.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { gzipSync, brotliCompressSync } from "node:zlib";

const FILE = new URL("../../dist/public/widget.js", import.meta.url);
export const WIDGET_BUDGET_BYTES = 6 * 1024;

export async function widgetSizeBench() {
  const { build } = await import("vite");
  await build({ configFile: new URL("../../widget/vite.config.ts", import.meta.url).pathname, logLevel: "warn" });
  const bytes = readFileSync(FILE);
  const gzip = gzipSync(bytes, { level: 9 }).byteLength;
  const brotli = brotliCompressSync(bytes).byteLength;
  console.log("| file | raw | gzip -9 | brotli | budget (gzip) |");
  console.log("|---|---|---|---|---|");
  console.log(`| dist/public/widget.js | ${bytes.byteLength} B | ${gzip} B | ${brotli} B | ${WIDGET_BUDGET_BYTES} B |`);
  const ok = gzip < WIDGET_BUDGET_BYTES;
  console.log(`widget.js gzipped: ${(gzip / 1024).toFixed(2)} KB (target < 6 KB) ${ok ? "OK" : "MISSED"}`);
  return { raw: bytes.byteLength, gzip, brotli, ok };
}

export default widgetSizeBench;

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await widgetSizeBench();
  process.exit(result.ok ? 0 : 1);
}
