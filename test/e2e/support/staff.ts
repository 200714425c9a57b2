// The staff side: the JSON API with a signed-in session, and signing in through the app.
import { expect, type APIRequestContext, type Page } from "@playwright/test";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface StaffApi {
  /** Status and JSON body (null when there is none), whatever the status. */
  call<T = unknown>(method: Method, path: string, body?: unknown): Promise<{ status: number; data: T }>;
  /** The JSON body of a 2xx answer; anything else throws with the answer. */
  json<T = unknown>(method: Method, path: string, body?: unknown): Promise<T>;
  /** The underlying request context (cookies of the session, Origin header set). */
  request: APIRequestContext;
}

/** Wraps a request context that is already signed in. */
export function staffApi(request: APIRequestContext): StaffApi {
  const call = async <T,>(method: Method, path: string, body?: unknown) => {
    const res = await request.fetch(path, { method, data: body });
    const data = (await res.json().catch(() => null)) as T;
    return { status: res.status(), data };
  };
  return {
    call,
    async json<T>(method: Method, path: string, body?: unknown) {
      const { status, data } = await call<T>(method, path, body);
      if (status < 200 || status >= 300) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(data)}`);
      return data;
    },
    request,
  };
}

/** Signs in through the login page and waits until the app is there. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort").fill(password);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toBeVisible();
}

/** The link in the main navigation that is on screen now (on a phone, the pages under "Mehr" only once it is open: use goToPage). */
export function navLink(page: Page, name: string) {
  return page.getByRole("navigation", { name: "Hauptnavigation" }).getByRole("link", { name, exact: true });
}

/**
 * Opens a page through the main navigation, at any screen size: on a desk every page is in the top
 * bar; on a phone the bottom bar holds the everyday pages and "Mehr" the others (Textbausteine, Team, Sicherheit).
 */
export async function goToPage(page: Page, name: string): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Hauptnavigation" });
  const link = nav.getByRole("link", { name, exact: true });
  if (!(await link.isVisible())) await nav.getByRole("button", { name: "Mehr" }).click();
  await link.click();
}
