// The browser's side of Web Push: permission, the service worker's pushManager, and this device's
// current subscription. Nothing here talks to the API.

export type Support = "ok" | "unsupported" | "no-worker";

export function pushSupport(): Exclude<Support, "no-worker"> {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window ? "ok" : "unsupported";
}

/** The app's service worker (registered by main.tsx in the built app), or null. */
export async function registration(): Promise<ServiceWorkerRegistration | null> {
  return (await navigator.serviceWorker.getRegistration("/")) ?? null;
}

export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushSupport() !== "ok") return null;
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

/**
 * Subscribes this browser with the town's public key. A subscription made with another key (the town
 * changed its keys) is replaced.
 */
export async function subscribeBrowser(reg: ServiceWorkerRegistration, publicKey: string): Promise<{ endpoint: string; keys: { p256dh: string; auth: string } }> {
  const key = keyBytes(publicKey);
  const old = await reg.pushManager.getSubscription();
  const oldKey = old?.options.applicationServerKey;
  if (old && (!oldKey || !sameBytes(new Uint8Array(oldKey), key))) await old.unsubscribe();
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const json = sub.toJSON();
  return { endpoint: sub.endpoint, keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" } };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
