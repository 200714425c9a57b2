// `npm run vapid:keys`: makes a key pair for Web Push (staff notifications) and says how to store it.
// Run it once per town; a new pair later means every staff member switches notifications on again.
import { generateVapidKeys } from "./lib/vapid.mjs";

const { publicKey, privateKey } = await generateVapidKeys();
console.log(`VAPID_PUBLIC_KEY=${publicKey}
VAPID_PRIVATE_KEY=${privateKey}
VAPID_SUBJECT=mailto:it@ihre-gemeinde.at

Im Betrieb als Secrets speichern (den privaten Schlüssel nirgends sonst ablegen):
  npx wrangler secret put VAPID_PUBLIC_KEY
  npx wrangler secret put VAPID_PRIVATE_KEY
  npx wrangler secret put VAPID_SUBJECT      (mailto:-Adresse der IT der Gemeinde)
Lokal (npm start): die drei Zeilen oben in .dev.vars eintragen.`);
