import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login } from "./helpers";

test("an organiser finds a post by a two-character Chinese word from the header and opens it", async ({ page }) => {
  await login(page, "admin", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await hydrated(page);
  const box = page.getByRole("searchbox", { name: "搜索全站" });
  await box.fill("融资");
  await box.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=%E8%9E%8D%E8%B5%84/);
  const posts = page.getByRole("region", { name: /^帖子（\d+）$/ });
  await expect(posts).toBeVisible();
  const hit = posts.locator(".search-hit").filter({ hasText: "中小企业融资" }).first();
  await expect(hit.locator("mark").first()).toHaveText("融资");
  await hit.getByRole("link").click();
  await expect(page).toHaveURL(/\/groups\/xuexi-xinsixiang\/threads\/\d+/);
  await expect(page.getByText("中小企业融资的提案").first()).toBeVisible();
});

test("kind and date filters narrow the results, and a phrase is matched as a whole", async ({ page }) => {
  await page.goto("/search?q=" + encodeURIComponent("乡土中国"));
  await hydrated(page);
  await expect(page.getByText(/找到 \d+ 条结果/)).toBeVisible();
  await expect(page.getByRole("region", { name: /^图书（\d+）$/ })).toContainText("乡土中国");
  // Only books.
  await page.getByLabel("范围").selectOption("book");
  await page.getByRole("button", { name: "搜索", exact: true }).last().click();
  await expect(page).toHaveURL(/kind=book/);
  await expect(page.getByRole("region", { name: /^图书（\d+）$/ })).toBeVisible();
  await expect(page.getByRole("region", { name: /^讲座/ })).toHaveCount(0);
  // Nothing was written before 2000.
  await page.goto("/search?q=" + encodeURIComponent("乡土中国") + "&to=1999-12-31");
  await expect(page.getByText("没有找到与“乡土中国”相关的内容。")).toBeVisible();
  // The characters of a phrase apart are not a match for it.
  await page.goto("/search?q=" + encodeURIComponent("中国乡土"));
  await expect(page.getByText(/没有找到|找到 \d+ 条结果/)).toBeVisible();
  const marks = page.locator("mark");
  for (const text of await marks.allTextContents()) expect(text).toBe("中国乡土");
});
