import { expect, test } from "@playwright/test";
import { uniqueName } from "./helpers";

// Before (or without) the WebAssembly, forms still work as plain posts.
test.use({ javaScriptEnabled: false });

test("without JavaScript: a bad registration shows the error and keeps the name", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("用户名").fill("x");
  await page.getByLabel("显示名称").fill("无脚本");
  await page.getByLabel("密码", { exact: true }).fill("password-123");
  await page.getByLabel("确认密码").fill("password-123");
  await page.getByRole("button", { name: "注册", exact: true }).click();
  await expect(page.locator("#field-username-error")).toHaveText("用户名至少需要 3 个字符");
  await expect(page.getByLabel("用户名")).toHaveValue("x");
  await expect(page.getByLabel("显示名称")).toHaveValue("无脚本");
});

test("without JavaScript: register, log out and switch font size", async ({ page }) => {
  const username = uniqueName("nojs");
  await page.goto("/register");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("显示名称").fill("纸质读者");
  await page.getByLabel("密码", { exact: true }).fill("password-123");
  await page.getByLabel("确认密码").fill("password-123");
  await page.getByRole("button", { name: "注册", exact: true }).click();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.locator("header").getByRole("link", { name: "纸质读者" })).toBeVisible();

  await page.getByRole("button", { name: "大字体" }).click();
  await expect(page.locator("html")).toHaveClass(/font-large/);
  await expect(page).toHaveURL(/\/me$/);

  await page.locator("header").getByRole("button", { name: "退出" }).click();
  await expect(page.locator("header").getByRole("link", { name: "登录" })).toBeVisible();
});
