// `npm run lint` (part of `npm test`): fails on an import cycle between folders of worker/ (one
// concern per folder: if a imports b, b must not import a, directly or around a longer loop).
// Files in worker/ itself count one by one (env.ts is imported by all, index.ts and app.ts import
// all; what matters is that no folder imports the entry modules). Imports are read from the source
// (`from "./…"`), type-only ones included.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** Cycles not yet taken apart: the folders of one loop, sorted, joined by " <-> ". Any other fails. */
const KNOWN = new Set([]);

const ROOT = "worker";
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
/** The folder under worker/ a file belongs to, or the file itself for files in worker/. */
const unitOf = (file) => {
  const [first, ...rest] = relative(ROOT, file).split("/");
  return rest.length ? first : first.replace(/\.tsx?$/, "");
};

const edges = new Map();
for (const file of files(ROOT)) {
  const from = unitOf(file);
  for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)) {
    const target = normalize(join(dirname(file), spec));
    if (!target.startsWith(`${ROOT}/`)) continue;
    const to = unitOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, file);
  }
}

// Strongly connected components (Tarjan): every component with more than one unit is a cycle.
let index = 0;
const idx = new Map(), low = new Map(), stack = [], onStack = new Set(), components = [];
const visit = (v) => {
  idx.set(v, index); low.set(v, index++); stack.push(v); onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1) components.push(comp.sort());
  }
};
for (const v of edges.keys()) if (!idx.has(v)) visit(v);

let failed = false;
for (const comp of components) {
  const key = comp.join(" <-> ");
  if (KNOWN.has(key)) continue;
  failed = true;
  const links = comp.flatMap((a) => comp.filter((b) => edges.get(a)?.has(b)).map((b) => `  ${a} -> ${b} (${edges.get(a).get(b)})`));
  console.error(`check-cycles: import cycle between folders of worker/: ${key}\n${links.join("\n")}`);
}
for (const known of KNOWN) {
  if (!components.some((c) => c.join(" <-> ") === known)) {
    failed = true;
    console.error(`check-cycles: "${known}" is gone: remove it from KNOWN in scripts/check-cycles.mjs`);
  }
}
if (failed) process.exitCode = 1;
else console.log(`check-cycles: no new import cycles between folders of worker/${KNOWN.size ? ` (known: ${[...KNOWN].join(", ")})` : ""}`);
