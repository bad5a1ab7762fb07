import AxeBuilder from "@axe-core/playwright";
import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login } from "./helpers";

// WCAG 2.1 A and AA rules, and axe-core's best practices (unique landmarks,
// heading order, allowed ARIA roles…), checked on each page at both font sizes.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

async function audit(page: Page, what: string) {
  await hydrated(page);
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const problems = results.violations.map(
    (v) => `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(problems).toEqual([]);
  expect(results.passes.length).toBeGreaterThan(10); // the audit really ran
  // The Content-Security-Policy refuses inline handlers: one would be a dead control.
  const inline = await page.evaluate(() =>
    [...document.querySelectorAll("*")].flatMap((e) =>
      [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName.toLowerCase()}[${a.name}]`),
    ),
  );
  expect(inline, `${what}: inline event handlers`).toEqual([]);
}

for (const font of ["standard", "large"]) {
  test(`public pages meet WCAG AA (${font} font)`, async ({ page, context, baseURL }) => {
    // Fourteen pages, each audited with the best-practice rules too.
    test.setTimeout(120_000);
    await context.addCookies([{ name: "sx_font", value: font, url: baseURL! }]);
    for (const path of [
      "/", "/login", "/register", "/groups", "/groups/xuexi-xinsixiang", "/groups/jiankang-dushu",
      "/books", "/books/recommended", "/no-such-page", "/groups/xuexi-xinsixiang/threads",
      "/lectures", "/lectures/qingshaonian-qingxu", "/lectures/ziwo-baojian-shanshi", "/search?q=%E8%AF%BB%E4%B9%A6",
    ]) {
      await page.goto(path);
      await audit(page, path);
    }
    // A form showing its errors.
    await page.goto("/register");
    await hydrated(page);
    await page.getByRole("button", { name: "注册", exact: true }).click();
    await expect(page.locator("#field-username-error")).toBeVisible();
    await audit(page, "/register with errors");
  });
}

test("signed-in pages meet WCAG AA", async ({ page }) => {
  // Eighteen pages and a thread, with the best-practice rules too.
  test.setTimeout(240_000);
  await login(page, "admin", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await audit(page, "/me");
  for (const path of [
    "/admin", "/admin/users", "/admin/recommendations", "/groups/new", "/groups/xuexi-xinsixiang",
    "/groups/xuexi-xinsixiang/manage", "/books/import", "/books/new", "/admin/moderation",
    "/me/notifications", "/groups/xuexi-xinsixiang/threads", "/lectures/new",
    "/lectures/qingshaonian-qingxu", "/lectures/qingshaonian-qingxu/edit", "/lectures/qingshaonian-qingxu/codes", "/admin/stats", "/report/2026",
  ]) {
    await page.goto(path);
    await audit(page, path);
  }
  // A thread with replies, quotes, a guided reading and the reply form.
  await page.goto("/groups/xuexi-xinsixiang/threads");
  await page.getByRole("link", { name: /之江新语》共读安排/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("共读安排");
  await audit(page, "thread page");
});

test("a book page meets WCAG AA", async ({ page }) => {
  await login(page, "weiyuan", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/books?q=" + encodeURIComponent("乡土中国"));
  await page.getByRole("link", { name: "乡土中国" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("乡土中国");
  await audit(page, "book page");
});
