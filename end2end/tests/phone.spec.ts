import { expect, test } from "@playwright/test";
import { hydrated } from "./helpers";

// Runs in the 375-px "phone" project (and the desktop one).
for (const path of ["/", "/login", "/register", "/no-such-page"]) {
  test(`${path} fits the screen without sideways scrolling`, async ({ page }) => {
    await page.goto(path);
    await hydrated(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Touch targets in the header are at least 36px high.
    const heights = await page
      .locator("header a, header button")
      .evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getBoundingClientRect().height));
    for (const h of heights) expect(h).toBeGreaterThanOrEqual(36);
  });
}
