import { expect, Page } from "@playwright/test";

/** A user name no other test (or earlier run) has used. */
export function uniqueName(prefix: string): string {
  const n = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
  return `${prefix}_${n}`.slice(0, 20);
}

/** Resolves once the WebAssembly has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}

export async function register(page: Page, username: string, displayName: string, password: string) {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("显示名称").fill(displayName);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByLabel("确认密码").fill(password);
  await page.getByRole("button", { name: "注册", exact: true }).click();
}

export async function login(page: Page, username: string, password: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录", exact: true }).click();
}

export const DEMO_PASSWORD = "shuxiang2026";
