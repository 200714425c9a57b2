// The simulated WhatsApp Business account: the configured ids, with demo fallbacks for the optional ones.
import { getConfig, type Env } from "./env";
import type { BusinessIdentity } from "./webhook-payloads";

export const DEMO_WABA_ID = "102290129340398";
export const DEMO_DISPLAY_NUMBER = "4312345678";

export function businessIdentity(env: Env): BusinessIdentity {
  const cfg = getConfig(env);
  return {
    wabaId: cfg.WHATSAPP_BUSINESS_ACCOUNT_ID || DEMO_WABA_ID,
    phoneNumberId: cfg.WHATSAPP_PHONE_NUMBER_ID,
    displayPhoneNumber: cfg.WHATSAPP_DISPLAY_NUMBER || DEMO_DISPLAY_NUMBER,
  };
}
