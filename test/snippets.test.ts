import { describe, expect, it } from "vitest";
import { unknownPlaceholders } from "../worker/outreach/snippets";
import { api, loginAs } from "./helpers/auth";

type ErrorBody = { error: { code: string; message: string } };
type Snippet = { id: string; title: string; body: string; updatedAt: number; updatedByName: string | null };

const hours = { title: "Öffnungszeiten", body: "Grüß Gott {{name}}! Das Gemeindeamt ist Mo–Fr 8–12 Uhr geöffnet. ({{sachbearbeiter}}, {{datum}})" };

describe("Textbausteine", () => {
  it("editors create, change and delete them; every staff member reads them", async () => {
    const editor = await loginAs("editor");
    const agent = await loginAs("agent");
    const created = await api("/api/snippets", { as: editor, body: hours });
    expect(created.status).toBe(201);
    const { snippet } = await created.json<{ snippet: Snippet }>();
    expect(snippet).toMatchObject({ title: "Öffnungszeiten", updatedByName: editor.staff.name });

    const list = await (await api("/api/snippets", { as: agent })).json<{ snippets: Snippet[] }>();
    expect(list.snippets.map((s) => s.title)).toEqual(["Öffnungszeiten"]);

    const changed = await api(`/api/snippets/${snippet.id}`, { as: editor, method: "PUT", body: { ...hours, body: "Mo–Fr 8–12 Uhr, Do bis 18 Uhr." } });
    expect(changed.status).toBe(200);
    expect((await changed.json<{ snippet: Snippet }>()).snippet.body).toBe("Mo–Fr 8–12 Uhr, Do bis 18 Uhr.");

    expect((await api(`/api/snippets/${snippet.id}`, { as: editor, method: "DELETE" })).status).toBe(204);
    expect((await (await api("/api/snippets", { as: agent })).json<{ snippets: Snippet[] }>()).snippets).toEqual([]);
    const gone = await api(`/api/snippets/${snippet.id}`, { as: editor, method: "DELETE" });
    expect(gone.status).toBe(404);
    expect((await gone.json<ErrorBody>()).error.message).toMatch(/neu laden/);
  });

  it("agents may not change them (403 in German)", async () => {
    const agent = await loginAs("agent");
    const res = await api("/api/snippets", { as: agent, body: hours });
    expect(res.status).toBe(403);
    expect((await res.json<ErrorBody>()).error.message).toMatch(/Berechtigung/);
  });

  it("refuses unknown placeholders, empty parts, duplicates (any case) and too long texts", async () => {
    const admin = await loginAs("admin");
    const cases: [unknown, number, string][] = [
      [{ title: "Link", body: "Siehe {{webseite}}" }, 400, "snippet_placeholder"],
      [{ title: "  ", body: "Text" }, 400, "snippet_title_missing"],
      [{ title: "Leer", body: " " }, 400, "snippet_body_missing"],
      [{ title: "Lang", body: "x".repeat(4097) }, 400, "bad_request"],
      [{ title: "x".repeat(81), body: "Text" }, 400, "bad_request"],
      [{ body: "ohne Titel" }, 400, "bad_request"],
    ];
    for (const [body, status, code] of cases) {
      const res = await api("/api/snippets", { as: admin, body });
      expect(res.status).toBe(status);
      const err = await res.json<ErrorBody>();
      expect(err.error.code).toBe(code);
      expect(err.error.message).toMatch(/Bitte|höchstens|Platzhalter|Titel/);
    }
    expect((await api("/api/snippets", { as: admin, body: hours })).status).toBe(201);
    const dup = await api("/api/snippets", { as: admin, body: { ...hours, title: "ÖFFNUNGSZEITEN" } });
    expect(dup.status).toBe(409);
    expect((await dup.json<ErrorBody>()).error.message).toMatch(/anderen Titel/);
    const missing = await api("/api/snippets/abc123", { as: admin, method: "PUT", body: hours });
    expect(missing.status).toBe(404);
  });

  it("knows {{name}}, {{datum}} and {{sachbearbeiter}}, with spaces and in any case", () => {
    expect(unknownPlaceholders("{{name}} {{ Datum }} {{SACHBEARBEITER}}")).toEqual([]);
    expect(unknownPlaceholders("{{1}} {{link}} {{link}}")).toEqual(["1", "link"]);
  });
});
