import { expect, test } from "@playwright/test";
import { hydrated, register, uniqueName } from "./helpers";

// Only the islands are WebAssembly; every other form is sent by
// layout/forms.js, which swaps in the page the server answers with. The
// page must not reload, the scroll position must stay, nothing typed may be
// lost when the server refuses, and the answer must be shown.

test("forms are sent without a reload, keep the scroll and what was typed, and show the answer", async ({ page }) => {
  await register(page, uniqueName("fm"), "表单读者", "password-123");
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/groups/xuexi-xinsixiang");
  await hydrated(page);
  // A mark on the window survives only if the page is not loaded again.
  await page.evaluate(() => ((window as unknown as { mark: number }).mark = 42));
  const join = page.getByRole("button", { name: "加入读书群" });
  await join.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 40));
  const before = await page.evaluate(() => window.scrollY);
  await join.click();
  await expect(page.getByText("你是本群成员")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(42);
  expect(Math.abs((await page.evaluate(() => window.scrollY)) - before)).toBeLessThan(200);

  // A refused change keeps every field, the password ones too, and the
  // error is not carried into the address.
  await page.goto("/me");
  await hydrated(page);
  const form = page.getByRole("region", { name: "修改密码" });
  await form.getByLabel("现在的密码").fill("not-my-password");
  await form.getByLabel("新密码", { exact: true }).fill("password-456");
  await form.getByLabel("再输入一次新密码").fill("password-456");
  await form.getByRole("button", { name: "修改密码" }).click();
  await expect(form.locator("#field-current-error")).toHaveText("现在的密码不正确");
  await expect(form.getByLabel("新密码", { exact: true })).toHaveValue("password-456");
  expect(page.url()).not.toContain("__err");
  await form.getByLabel("现在的密码").fill("password-123");
  await form.getByRole("button", { name: "修改密码" }).click();
  await expect(form.getByRole("status")).toContainText("密码已修改");
  await expect(form.locator("#field-current-error")).toBeHidden();
});
