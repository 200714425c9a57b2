// "Möglicherweise dieselbe Meldung" in the staff app (docs/public-feeds-and-open311.md, FixMyStreet's
// rule): a new report within 50 m of an open one of the same category shows the suggestion in the
// report panel, "Andere Meldung öffnen" opens the other report (never the one on screen), and merging
// (after a confirmation) closes the new one with a link to where it went. At desk size the report
// panel is open by default, and its button then says what a press does: "Meldung ausblenden".
import { messageWebhook as webhook } from "./support/citizen";
import { expectAccessible, screenshot } from "./support/checks";
import { expect, pageErrors, test } from "./support/fixtures";
import { signIn, type StaffApi } from "./support/staff";

async function conversationOf(api: StaffApi, waId: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(async () => {
      id = (await api.json<{ conversations: { id: string }[] }>("GET", `/api/conversations?q=${waId}`)).conversations[0]?.id;
      return id;
    }, { message: `the conversation of ${waId}` })
    .toBeTruthy();
  return id ?? "";
}

test("report duplicates: the suggestion, its link, and merging", async ({ page, server, adminApi }) => {
  const run = Date.now().toString(36);
  const suffix = String(Date.now()).slice(-6);
  // An open pothole report, then a second one about 20 m away in the same category.
  const first = { waId: `43651${suffix}1`, name: "Anton Erstmelder" };
  await server.signedWebhook(webhook(first.waId, first.name, { id: `wamid.dup.${run}.1`, type: "location", location: { latitude: 47.26333, longitude: 11.40105, name: "Südtiroler Platz", address: `Südtiroler Platz 7 (${run})` } }));
  const firstId = await conversationOf(adminApi, first.waId);
  await adminApi.json("PATCH", `/api/conversations/${firstId}/report`, { category: "Straßenschaden" });
  const second = { waId: `43651${suffix}2`, name: "Berta Zweitmelderin" };
  await server.signedWebhook(webhook(second.waId, second.name, { id: `wamid.dup.${run}.2`, type: "location", location: { latitude: 47.26350, longitude: 11.40110, name: "Hauptbahnhof", address: `Südtiroler Platz 8 (${run})` } }));
  const secondId = await conversationOf(adminApi, second.waId);
  await adminApi.json("PATCH", `/api/conversations/${secondId}/report`, { category: "Straßenschaden" });

  const errors = pageErrors(page);
  await signIn(page, server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD);
  await page.goto(`/gespraeche/${secondId}`);
  await expect(page.locator("#conv-title")).toContainText(second.name);
  // Desk: the report panel is already open; its button hides it, so it does not offer "Meldung ansehen".
  const toggle = page.locator(".conv-actions").getByRole("button", { name: "Meldung ausblenden" });
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("button", { name: "Meldung ansehen" })).toHaveCount(0);
  const suggestion = page.getByRole("region", { name: "Möglicherweise dieselbe Meldung" });
  await expect(suggestion).toBeVisible();
  // Only the other report is suggested, and its link says so (named with what it is for screen readers).
  await expect(suggestion.locator("[data-duplicate]")).toHaveCount(1);
  await expect(suggestion.locator(`[data-duplicate="${secondId}"]`), "no link to the report on screen").toHaveCount(0);
  const item = suggestion.locator(`[data-duplicate="${firstId}"]`);
  await expect(item).toContainText(/Straßenschaden, \d+ m entfernt/);
  await expect(item.getByRole("link", { name: /^Andere Meldung öffnen \(Straßenschaden, \d+ m entfernt, / })).toBeVisible();
  await expectAccessible(page, "report with a duplicate suggestion");
  await screenshot(page, "report-duplicate-suggestion");

  // The link opens the other report (its panel open too); back to the new one.
  await item.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/gespraeche/${firstId}$`));
  await expect(page.locator("#conv-title")).toContainText(first.name);
  await expect(page.getByRole("button", { name: "Meldung ausblenden" })).toHaveAttribute("aria-expanded", "true");
  await page.goBack();
  await expect(page.locator("#conv-title")).toContainText(second.name);
  // Hiding the panel: the button offers to show the report again.
  await page.locator(".conv-actions").getByRole("button", { name: "Meldung ausblenden" }).click();
  await expect(page.getByRole("region", { name: "Möglicherweise dieselbe Meldung" })).toHaveCount(0);
  await page.locator(".conv-actions").getByRole("button", { name: "Meldung ansehen" }).click();
  await expect(page.locator(".conv-actions").getByRole("button", { name: "Meldung ausblenden" })).toHaveAttribute("aria-expanded", "true");

  // Merge the new report into the first one, after a confirmation.
  await page.getByRole("region", { name: "Möglicherweise dieselbe Meldung" }).locator(`[data-duplicate="${firstId}"]`).getByRole("button", { name: "Hierher zusammenführen" }).click();
  const dialog = page.getByRole("dialog", { name: "Möglicherweise dieselbe Meldung" });
  await expect(dialog).toContainText("Diese Meldung in die andere zusammenführen?");
  await dialog.getByRole("button", { name: "Hierher zusammenführen" }).click();
  await expect(page.getByRole("note").getByText("Zusammengeführt mit einer anderen Meldung (geschlossen).")).toBeVisible();
  await expect(page.getByRole("region", { name: "Möglicherweise dieselbe Meldung" })).toHaveCount(0);
  const merged = await adminApi.json<{ conversation: { report: { status: string; mergedInto: string | null } | null } }>("GET", `/api/conversations/${secondId}`);
  expect(merged.conversation.report).toMatchObject({ status: "erledigt", mergedInto: firstId });

  // "Andere Meldung öffnen" leads to the report it was merged into.
  await page.getByRole("note").getByRole("link", { name: "Andere Meldung öffnen" }).click();
  await expect(page).toHaveURL(new RegExp(`/gespraeche/${firstId}$`));
  await expect(page.locator("#conv-title")).toContainText(first.name);
  expect(errors, "no page errors").toEqual([]);
});
