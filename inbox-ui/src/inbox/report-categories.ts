// Categories of incident reports (configured by admins), shared by the report panel and the Team page.
import { signal } from "@preact/signals";
import { api } from "../lib/api";

export const categories = signal<string[] | null>(null);

/** Fetched whenever a panel opens (admins may have changed them); the last list shows until then. */
export async function loadCategories(): Promise<void> {
  try {
    categories.value = (await api<{ categories: string[] }>("/api/report-categories")).categories;
  } catch {
    /* keep what we have; the next panel tries again */
  }
}

export async function saveCategories(list: string[]): Promise<string[]> {
  const res = await api<{ categories: string[] }>("/api/report-categories", { method: "PUT", body: { categories: list } });
  categories.value = res.categories;
  return res.categories;
}
