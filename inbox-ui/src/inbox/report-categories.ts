// Categories of incident reports (configured by admins), shared by the report panel and the Team page.
import { signal } from "@preact/signals";
import { call } from "../lib/api";
import { client } from "../lib/client";

export const categories = signal<string[] | null>(null);

/** Fetched whenever a panel opens (admins may have changed them); the last list shows until then. */
export async function loadCategories(): Promise<void> {
  try {
    categories.value = (await call(client.api["report-categories"].$get())).categories;
  } catch {
    /* keep what we have; the next panel tries again */
  }
}

export async function saveCategories(list: string[]): Promise<string[]> {
  const res = await call(client.api["report-categories"].$put({ json: { categories: list } }));
  categories.value = res.categories;
  return res.categories;
}
