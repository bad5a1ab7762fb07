import { readFileSync } from "fs";
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login } from "./helpers";

test("an organiser opens the stats with their charts, downloads a CSV, and prints the annual report", async ({ page }) => {
  await login(page, "admin", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/admin");
  await page.getByRole("link", { name: "统计" }).click();
  await expect(page).toHaveURL(/\/admin\/stats$/);
  await expect(page.getByRole("heading", { name: "总体数据" })).toBeVisible();
  // Five charts, each an image with a name and a text alternative.
  const charts = page.locator("svg.chart[role=img]");
  await expect(charts).toHaveCount(5);
  await expect(page.getByRole("img", { name: /每周打卡、帖子和读书心得/ })).toBeVisible();
  const desc = await page.locator("#chart-weekly-desc").textContent();
  expect(desc).toMatch(/打卡合计 \d+/);
  // The bars are drawn: at least one has a height.
  const heights = await page.locator("svg[aria-labelledby^=chart-weekly] rect.chart-bar").evaluateAll(
    (rects) => rects.map((r) => Number(r.getAttribute("height"))),
  );
  expect(Math.max(...heights)).toBeGreaterThan(0);
  // A table downloads as CSV.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "下载 CSV：分读书群" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("shuxiang-stats-groups.csv");
  const path = await download.path();
  const text = readFileSync(path!, "utf8");
  expect(text.split("\r\n")[0]).toBe("\ufeff读书群,地址,成员,打卡,帖子,读书心得");
  expect(text.split("\r\n").length).toBeGreaterThan(3);

  // The annual report, and how it prints.
  await page.getByRole("link", { name: "年度读书报告" }).click();
  await expect(page).toHaveURL(/\/report\/\d{4}$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: /\d{4}年度读书报告/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "全年概览" })).toBeVisible();
  await expect(page.getByRole("img", { name: /每月打卡/ })).toBeVisible();
  await page.getByText(/添加前言|修改前言/).click();
  await page.getByLabel(/前言（Markdown/).fill("## 致全体委员和读者\n\n感谢大家一年来的**坚持阅读**。");
  await page.getByRole("button", { name: "保存前言" }).click();
  await expect(page.getByRole("heading", { name: "致全体委员和读者" })).toBeVisible();
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void (window as unknown as { printed: number }).printed++;
  });
  await page.getByRole("button", { name: "打印 / 导出 PDF" }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.getByRole("button", { name: "打印 / 导出 PDF" })).toBeHidden();
  await expect(page.getByRole("heading", { name: "致全体委员和读者" })).toBeVisible();
  const pdf = await page.pdf({ format: "A4" });
  expect(pdf.length).toBeGreaterThan(10_000);
  await page.emulateMedia({ media: "screen" });
});
