// The screen that comes first when the town requires two-factor sign-in and it is not set up yet.
import { totpSetupRequired } from "../lib/session";
import { TotpSettings } from "./TotpSettings";
import { tt } from "./totp-strings";

export function TotpRequired() {
  return (
    <section class="page-pad totp-required" aria-labelledby="totp-required-title">
      <h1 id="totp-required-title">{tt("requiredTitle")}</h1>
      <TotpSettings required onEnabled={() => (totpSetupRequired.value = false)} />
    </section>
  );
}
