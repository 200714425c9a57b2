// Checks every screen gets: WCAG 2.2 AA through axe-core, and no sideways scrolling.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

/** The WCAG 2.0/2.1/2.2 A and AA rules (public bodies in Austria must meet WCAG 2.2 AA). */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * Runs axe-core on the page as it is now and fails on any serious or critical violation, naming
 * the rule, its help text and the elements. The full result is attached to the test report.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await test.step(`accessible: ${name}`, async () => {
    const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    await test.info().attach(`axe-${name}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: "application/json" });
    const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    const report = bad
      .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}`).join("\n")}`)
      .join("\n");
    expect(bad.length, `accessibility violations on "${name}":\n${report}`).toBe(0);
  });
}

/** The page does not scroll sideways (what a 390 px phone needs). */
export async function expectNoSidewaysScroll(page: Page, name: string): Promise<void> {
  await test.step(`fits the width: ${name}`, async () => {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth, `"${name}" is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
  });
}

/** Saves a screenshot as test-artifacts/<name>.png (kept for looking at the screens; failures get their own). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: `test-artifacts/${name}.png`, ...options });
}
