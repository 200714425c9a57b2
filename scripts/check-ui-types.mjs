// `npm run lint` runs this after ESLint: the staff app (inbox-ui/src) and the widget (widget/src) must
// not write their own copy of a shape the server defines. They take the server's types instead: the
// typed client's answers (Ok<>, Created<>, Input<> in inbox-ui/src/lib/client.ts) or a type-only
// import from worker/ (docs/api.md, "Types in the staff app").
//
// What it checks (a heuristic, kept simple): every interface or object type literal declared in those
// folders, with at least two properties, is compared by its property names with every exported
// interface or object type in worker/. Same names, or a subset of at least three of them, is
// reported as a likely hand copy. It does not see shapes the server only infers (no declared type);
// those are covered by using the client's types, which ESLint enforces (no hand-built /api/ paths).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const ROOT = new URL("..", import.meta.url).pathname;
const CLIENT_DIRS = ["inbox-ui/src", "widget/src"];
const SERVER_DIR = "worker";

function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const propName = (m) => (m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : null);
const propsOf = (members) => members.filter((m) => ts.isPropertySignature(m)).map(propName).filter(Boolean);
const isExported = (node) => !!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** Interfaces and `type X = { … }` of one file, with their property names. */
function shapesOf(file, { exportedOnly }) {
  const src = ts.createSourceFile(file, readFileSync(join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const shapes = [];
  const visit = (node) => {
    if (ts.isInterfaceDeclaration(node) && (!exportedOnly || isExported(node))) {
      shapes.push({ name: node.name.text, file, line: src.getLineAndCharacterOfPosition(node.getStart()).line + 1, props: propsOf(node.members) });
    } else if (ts.isTypeAliasDeclaration(node) && ts.isTypeLiteralNode(node.type) && (!exportedOnly || isExported(node))) {
      shapes.push({ name: node.name.text, file, line: src.getLineAndCharacterOfPosition(node.getStart()).line + 1, props: propsOf(node.type.members) });
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return shapes;
}

const server = filesUnder(SERVER_DIR).flatMap((f) => shapesOf(f, { exportedOnly: true })).filter((s) => s.props.length >= 2);
const problems = [];
for (const ui of CLIENT_DIRS.flatMap((d) => filesUnder(d)).flatMap((f) => shapesOf(f, { exportedOnly: false }))) {
  if (ui.props.length < 2) continue;
  const mine = new Set(ui.props);
  for (const s of server) {
    const theirs = new Set(s.props);
    const subset = ui.props.every((p) => theirs.has(p));
    if (subset && (mine.size === theirs.size || mine.size >= 3)) {
      problems.push(`${relative(ROOT, join(ROOT, ui.file))}:${ui.line} ${ui.name} {${ui.props.join(", ")}} looks like a copy of ${s.name} in ${s.file}:${s.line}: use the server's type (Ok<>/Input<> from lib/client.ts, or import type).`);
    }
  }
}

if (problems.length > 0) {
  console.error(`check-ui-types: ${problems.length} hand-written type(s) that mirror the server:\n${problems.join("\n")}`);
  process.exitCode = 1;
} else {
  console.log(`check-ui-types: no hand-mirrored server types in ${CLIENT_DIRS.join(", ")} (${server.length} server shapes compared).`);
}
