import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login, register, uniqueName } from "./helpers";

test("register, see my name, log out, log in again", async ({ page }) => {
  const username = uniqueName("reader");
  const password = "一本好书要读上三遍";
  await register(page, username, "新读者小李", password);

  // Signed in: my page, and my name in the header.
  await expect(page).toHaveURL(/\/me$/);
  const header = page.locator("header.site-header");
  await expect(header.getByRole("link", { name: "新读者小李" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "新读者小李" })).toBeVisible();
  await expect(page.locator(".facts")).toContainText("社会读者");

  await header.getByRole("button", { name: "退出" }).click();
  await expect(header.getByRole("link", { name: "登录" })).toBeVisible();
  await expect(header.getByRole("link", { name: "新读者小李" })).toHaveCount(0);

  await login(page, username, password);
  await expect(page).toHaveURL(/\/me$/);
  await expect(header.getByRole("link", { name: "新读者小李" })).toBeVisible();

  // The session is real: a reload keeps me signed in.
  await page.reload();
  await expect(header.getByRole("link", { name: "新读者小李" })).toBeVisible();
});

test("a bad registration shows the Chinese error and keeps the typed user name", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("用户名").fill("ab");
  await page.getByLabel("显示名称").fill("测试");
  await page.getByLabel("密码", { exact: true }).fill("password-123");
  await page.getByLabel("确认密码").fill("password-456");
  await page.getByRole("button", { name: "注册", exact: true }).click();

  await expect(page.locator("#field-username-error")).toHaveText("用户名至少需要 3 个字符");
  await expect(page.locator("#field-password_confirm-error")).toHaveText("两次输入的密码不一致");
  await expect(page.getByLabel("用户名")).toHaveValue("ab");
  await expect(page.getByLabel("显示名称")).toHaveValue("测试");
  await expect(page).toHaveURL(/\/register/);

  // A taken user name (the demo organiser's).
  await page.getByLabel("用户名").fill("admin");
  await page.getByLabel("确认密码").fill("password-123");
  await page.getByRole("button", { name: "注册", exact: true }).click();
  await expect(page.locator("#field-username-error")).toHaveText("该用户名已被注册，请换一个");
  await expect(page.getByLabel("用户名")).toHaveValue("admin");
});

test("a wrong password says only that the user name or password is wrong", async ({ page }) => {
  await login(page, "admin", "not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "用户名或密码错误" })).toBeVisible();
  await expect(page.getByLabel("用户名")).toHaveValue("admin");
  await expect(page).toHaveURL(/\/login/);
});

test("after hydration: live checks while typing and the show-password switch", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  const name = page.getByLabel("用户名");
  await name.pressSequentially("9a");  // a digit first
  await expect(page.locator("#field-username-error")).toHaveText(
    "用户名只能包含英文字母、数字和下划线，并以字母开头",
  );
  await name.fill("");
  await name.pressSequentially("good_name");
  await expect(page.locator("#field-username-error")).toBeHidden();

  const password = page.getByLabel("密码", { exact: true });
  await password.fill("secret-words");
  await expect(password).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "显示密码" }).click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(page.getByRole("button", { name: "隐藏密码" })).toHaveAttribute("aria-pressed", "true");
});

test("the font size switch applies at once and persists after reload", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const html = page.locator("html");
  await expect(html).toHaveClass(/font-standard/);
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));

  let navigated = false;
  page.on("framenavigated", () => (navigated = true));
  await page.getByRole("button", { name: "大字体" }).click();
  await expect(html).toHaveClass(/font-large/);
  expect(navigated).toBe(false); // switched without a page load
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(after).toBeGreaterThan(before);

  await page.reload();
  await expect(html).toHaveClass(/font-large/);
  await expect(page.getByRole("button", { name: "大字体" })).toHaveAttribute("aria-pressed", "true");
  await page.goto("/login");
  await expect(html).toHaveClass(/font-large/);

  await page.getByRole("button", { name: "标准" }).click();
  await page.reload();
  await expect(html).toHaveClass(/font-standard/);
});

test("an organiser changes a role at /admin/users; others are refused", async ({ page, browser }) => {
  const username = uniqueName("promote");
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await register(otherPage, username, "待定角色", "password-123");
  await expect(otherPage).toHaveURL(/\/me$/);

  // A reader is refused the console.
  await otherPage.goto("/admin/users");
  await expect(otherPage.getByRole("heading", { name: "没有权限" })).toBeVisible();

  await login(page, "admin", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await page.goto(`/admin/users?q=${username}`);
  await hydrated(page);
  const row = page.getByRole("row").filter({ hasText: username });
  await row.getByLabel("待定角色的角色").selectOption("member");
  await row.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("已将角色从社会读者改为委员")).toBeVisible();

  await otherPage.goto("/me");
  await expect(otherPage.locator(".facts")).toContainText("委员");
  await other.close();
});

test("pages are Chinese, with a Chinese 404", async ({ page }) => {
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await page.goto("/");
  await expect(page.locator(".demo-banner")).toContainText("演示模式");
  for (const item of ["首页", "读书群", "书目", "大讲堂", "我的"]) {
    await expect(page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: item })).toBeVisible();
  }
});
