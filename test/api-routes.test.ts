// docs/api.md lists every route of the Worker; this test derives the list from the route definitions
// (app.routes) and fails, printing the list to paste, when the doc has gone stale.
import { describe, expect, it } from "vitest";
import doc from "../docs/api.md?raw";
import { createApp } from "../worker/app";

/** The markdown block between the routes markers, grouped by the first segment after /api or /webhooks. */
export function routeList(): string {
  const seen = new Set<string>();
  const groups = new Map<string, string[]>();
  for (const r of createApp().routes) {
    if (r.method === "ALL" || r.path.includes("*") || !/^\/(api|webhooks)\//.test(r.path)) continue;
    const line = `${r.method} ${r.path}`;
    if (seen.has(line)) continue;
    seen.add(line);
    const area = r.path.split("/")[r.path.startsWith("/api/") ? 2 : 1] ?? "";
    groups.set(area, [...(groups.get(area) ?? []), line]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([area, lines]) => `- **${area}**: ${lines.map((l) => `\`${l}\``).join(", ")}`)
    .join("\n");
}

describe("docs/api.md", () => {
  it("lists exactly the routes the Worker defines", () => {
    const block = /<!-- routes:start -->\n?([\s\S]*?)\n?<!-- routes:end -->/.exec(doc)?.[1];
    expect(block, "docs/api.md needs <!-- routes:start --> … <!-- routes:end -->").toBeDefined();
    const expected = routeList();
    if (block !== expected) console.log(`docs/api.md, between the routes markers:\n${expected}`);
    expect(block).toBe(expected);
  });
});
