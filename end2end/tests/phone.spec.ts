import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login } from "./helpers";

async function fits(page: Page) {
  await hydrated(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // Touch targets in the header are at least 36px high.
  const heights = await page
    .locator(".site-header a, .site-header button")
    .evaluateAll((els) =>
      els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.getBoundingClientRect().height),
    );
  for (const h of heights) expect(h).toBeGreaterThanOrEqual(36);
}

// Runs in the 375-px "phone" project (and the desktop one), at both font sizes.
for (const font of ["standard", "large"]) {
  test.describe(`font ${font}`, () => {
    test.beforeEach(async ({ context, baseURL }) => {
      await context.addCookies([{ name: "sx_font", value: font, url: baseURL! }]);
    });

    for (const path of ["/", "/login", "/register", "/groups", "/groups/xuexi-xinsixiang", "/books", "/books/recommended", "/no-such-page", "/groups/xuexi-xinsixiang/threads", "/lectures", "/lectures/qingshaonian-qingxu", "/search?q=%E8%AF%BB%E4%B9%A6", "/report/2026"]) {
      test(`${path} fits the screen without sideways scrolling`, async ({ page }) => {
        await page.goto(path);
        await fits(page);
      });
    }

    test("signed-in pages fit the screen", async ({ page }) => {
      await login(page, "admin", DEMO_PASSWORD);
      await expect(page).toHaveURL(/\/me$/);
      await fits(page);
      await page.goto("/admin/users");
      await fits(page);
      for (const path of ["/admin/moderation", "/me/notifications", "/admin/stats"]) {
        await page.goto(path);
        await fits(page);
      }
      await page.goto("/groups/xuexi-xinsixiang/threads");
      await page.getByRole("link", { name: /之江新语》共读安排/ }).click();
      await expect(page.getByRole("heading", { level: 1 })).toContainText("共读安排");
      await fits(page);
    });
  });
}
