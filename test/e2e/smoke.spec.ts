import { expect, test } from "./support/fixtures";

test("worker serves the health check and the webhook through wrangler dev", async ({ server, request }) => {
  const res = await request.get("/api/health");
  expect(res.ok(), `health ${res.status()}`).toBe(true);
  const out = await server.signedWebhook({
    object: "whatsapp_business_account",
    entry: [{ id: "1", changes: [{ field: "messages", value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "436641234567", phone_number_id: "106540352242922" },
      contacts: [{ profile: { name: "Smoke" }, wa_id: "436600000001" }],
      messages: [{ from: "436600000001", id: `wamid.smoke${Date.now()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Grüß Gott" } }],
    } }] }],
  });
  expect(out.stored, `expected one stored message, got ${JSON.stringify(out)}`).toBe(1);
});
