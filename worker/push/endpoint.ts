// Which push services a subscription may point at. The Worker POSTs to the endpoint a browser gave,
// so only the browsers' real push services are accepted (https, known hosts): a subscription can
// never make the Worker call some other address.
export const PUSH_SERVICE_HOSTS = [
  "fcm.googleapis.com", // Chrome, Edge on Android, Samsung Internet, Opera, Brave
  "push.services.mozilla.com", // Firefox (updates.push.services.mozilla.com)
  "notify.windows.com", // Edge on Windows (*.notify.windows.com)
  "push.apple.com", // Safari, web apps on iPhone/iPad (web.push.apple.com)
] as const;

export function isPushServiceUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port) return false;
  const host = url.hostname.toLowerCase();
  return PUSH_SERVICE_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}
