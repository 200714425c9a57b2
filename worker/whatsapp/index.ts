export * from "./client";
export * from "./errors";
export * from "./normalize";
export * from "./signature";
export { webhookSchema } from "./schemas";

import { createWhatsAppClient, type WhatsAppClient } from "./client";

/** The client for the configured phone number. */
export function clientFromConfig(cfg: {
  WHATSAPP_API_BASE: string;
  WHATSAPP_ACCESS_TOKEN: string;
  WHATSAPP_PHONE_NUMBER_ID: string;
  WHATSAPP_BUSINESS_ACCOUNT_ID?: string;
}): WhatsAppClient {
  return createWhatsAppClient({
    apiBase: cfg.WHATSAPP_API_BASE,
    accessToken: cfg.WHATSAPP_ACCESS_TOKEN,
    phoneNumberId: cfg.WHATSAPP_PHONE_NUMBER_ID,
    businessAccountId: cfg.WHATSAPP_BUSINESS_ACCOUNT_ID || undefined,
  });
}
