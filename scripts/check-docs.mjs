// Checks README.md and docs/*.md without dependencies (run by `npm run lint`):
//  - every relative markdown link points at a file that exists, and every #anchor at a heading of
//    that page (GitHub's slug rules: lower case, punctuation dropped, spaces to "-", repeats get -1, -2);
//  - every page in docs/ has a row in README.md's docs table;
//  - every `npm run <script>` quoted in the docs names a script in package.json;
//  - every repository path quoted in backticks (`worker/…`, `dev/…`, `test/…`, …) exists, except
//    generated ones (GENERATED below) and patterns with * or <…>;
//  - docs/configuration.md's table lists exactly the variables of `configSchema` in worker/env.ts (plus those
//    only `npm start` reads).
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const scripts = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts);
const problems = [];
const anchorCache = new Map();

/** Markdown without fenced code blocks (links and headings inside them do not count). */
function prose(text) {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]+>/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(file) {
  if (anchorCache.has(file)) return anchorCache.get(file);
  const seen = new Map();
  const set = new Set();
  for (const m of prose(readFileSync(file, "utf8")).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    set.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of readFileSync(file, "utf8").matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) set.add(m[1]);
  anchorCache.set(file, set);
  return set;
}

for (const page of pages) {
  const file = join(root, page);
  const text = prose(readFileSync(file, "utf8"));
  const lineOf = (index) => text.slice(0, index).split("\n").length;
  // [text](target) and [text]: target; images too. Inline code spans are not links.
  const noCode = text.replace(/`[^`\n]*`/g, (s) => " ".repeat(s.length));
  const links = [
    ...[...noCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => [m[1], m.index]),
    ...[...noCode.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => [m[1], m.index]),
  ];
  for (const [target, index] of links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [path, anchor] = target.split("#");
    const dest = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
    const where = `${page}:${lineOf(index)}`;
    if (!existsSync(dest)) {
      problems.push(`${where}: link to ${target}: ${relative(root, dest)} does not exist`);
      continue;
    }
    if (anchor && dest.endsWith(".md") && statSync(dest).isFile() && !anchors(dest).has(anchor)) {
      problems.push(`${where}: link to ${target}: no heading "#${anchor}" in ${relative(root, dest)}`);
    }
  }
  for (const m of noCode.matchAll(/npm run ([a-z][\w:-]*)/g)) {
    if (!scripts.includes(m[1])) problems.push(`${page}:${lineOf(m.index)}: "npm run ${m[1]}" is not a script in package.json`);
  }
  for (const m of text.matchAll(/`npm run ([a-z][\w:-]*)/g)) {
    if (!scripts.includes(m[1])) problems.push(`${page}:${lineOf(m.index)}: "npm run ${m[1]}" is not a script in package.json`);
  }
}

// Paths in backticks. Generated files do not exist in a fresh clone; testing.md times the former e2e runner.
const TOP = /^(worker|dev|inbox-ui|widget|scripts|test|migrations|docs|\.ci)\//;
const GENERATED = [/^dev\/phone\/build\/assets\.js$/, /^test\/e2e\/run\.mjs$/];
for (const page of pages) {
  const text = readFileSync(join(root, page), "utf8");
  for (const m of text.matchAll(/`([^`\s]+)`/g)) {
    const path = m[1].replace(/[:#].*$/, "").replace(/[.,;)]+$/, "");
    if (!TOP.test(path) || /[*<{…]/.test(path) || GENERATED.some((g) => g.test(path))) continue;
    if (!existsSync(join(root, path))) problems.push(`${page}:${text.slice(0, m.index).split("\n").length}: path ${path} does not exist`);
  }
}

const readme = readFileSync(join(root, "README.md"), "utf8");
for (const page of pages.filter((p) => p.startsWith("docs/"))) {
  if (!readme.includes(`(${page})`)) problems.push(`README.md: the docs table has no row for ${page}`);
}

// The variables the Worker reads (the keys of configSchema in worker/env.ts; the binding types are
// generated, so the schema is the one list) against configuration.md's table.
const START_ONLY = ["DEV_SIMULATOR", "PORT"];
const envSource = readFileSync(join(root, "worker/env.ts"), "utf8");
const schemaStart = envSource.indexOf("export const configSchema = z.object({");
const envBlock = envSource.slice(schemaStart, envSource.indexOf("\n});", schemaStart));
const read = [...envBlock.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
const table = readFileSync(join(root, "docs/configuration.md"), "utf8")
  .split("\n")
  .filter((l) => l.startsWith("| `"))
  .flatMap((l) => [...l.split("|")[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
for (const v of read) if (!table.includes(v)) problems.push(`docs/configuration.md: ${v} (read in worker/env.ts) has no row`);
for (const v of table) if (!read.includes(v) && !START_ONLY.includes(v)) problems.push(`docs/configuration.md: ${v} is not read by the Worker (worker/env.ts)`);
if (read.length === 0) problems.push("worker/env.ts: no variables found in `export const configSchema = z.object({` (has its shape changed?)");

if (problems.length) {
  console.error(`check:docs: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`check:docs: ${pages.length} pages, links, anchors, npm scripts and ${read.length} variables ok`);
