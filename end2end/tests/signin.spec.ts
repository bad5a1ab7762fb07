import { Browser, expect, Page, test } from "@playwright/test";
import { hydrated, login, register, uniqueName } from "./helpers";

const PASSWORD = "password-123";

async function newReader(page: Page, js = true): Promise<string> {
  const username = uniqueName("signin");
  if (js) {
    await register(page, username, "登录测试读者", PASSWORD);
  } else {
    await page.goto("/register");
    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("显示名称").fill("登录测试读者");
    await page.getByLabel("密码", { exact: true }).fill(PASSWORD);
    await page.getByLabel("确认密码").fill(PASSWORD);
    await page.getByRole("button", { name: "注册", exact: true }).click();
  }
  await expect(page).toHaveURL(/\/me$/);
  await page.locator("header").getByRole("button", { name: "退出" }).click();
  await expect(page.locator("header").getByRole("link", { name: "登录" })).toBeVisible();
  return username;
}

async function signInWithNext(page: Page, username: string, next: string, js: boolean) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  if (js) await hydrated(page);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录", exact: true }).click();
}

for (const js of [true, false]) {
  const how = js ? "after hydration" : "without JavaScript";

  test(`${how}: sign-in goes on to the page asked for, never to another site`, async ({ browser }) => {
    // Six sign-ins and sign-outs in a row.
    test.setTimeout(120_000);
    const context = await browser.newContext({ javaScriptEnabled: js });
    const page = await context.newPage();
    const username = await newReader(page, js);

    // A page of this site: the reader lands there, signed in.
    await signInWithNext(page, username, "/groups/xuexi-xinsixiang", js);
    await expect(page).toHaveURL(/\/groups\/xuexi-xinsixiang$/);
    await expect(page.locator("header").getByRole("link", { name: "登录测试读者" })).toBeVisible();
    await page.locator("header").getByRole("button", { name: "退出" }).click();
    await expect(page.locator("header").getByRole("link", { name: "登录" })).toBeVisible();

    // The review's phishing link (a tab makes "//evil.example"): the reader
    // stays on this site, on their own page.
    for (const next of ["/\t/evil.example/phish", "/\\evil.example", "//evil.example", "https://evil.example/"]) {
      await signInWithNext(page, username, next, js);
      await expect(page).toHaveURL(/\/me$/);
      expect(new URL(page.url()).hostname).toBe("127.0.0.1");
      await page.locator("header").getByRole("button", { name: "退出" }).click();
      await expect(page.locator("header").getByRole("link", { name: "登录" })).toBeVisible();
    }
    await context.close();
  });
}

async function signedIn(browser: Browser, username: string, password: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, username, password);
  await expect(page).toHaveURL(/\/me$/);
  return page;
}

test("changing the password signs out the other devices, not this one", async ({ browser, page }) => {
  const username = await newReader(page);
  const phone = await signedIn(browser, username, PASSWORD);
  const laptop = await signedIn(browser, username, PASSWORD);

  await hydrated(phone);
  const form = phone.getByRole("region", { name: "修改密码" });
  await form.getByLabel("现在的密码").fill("not-my-password");
  await form.getByLabel("新密码", { exact: true }).fill("a-new-password-1");
  await form.getByLabel("再输入一次新密码").fill("a-new-password-1");
  await form.getByRole("button", { name: "修改密码" }).click();
  await expect(form.locator("#field-current-error")).toHaveText("现在的密码不正确");

  await form.getByLabel("现在的密码").fill(PASSWORD);
  await form.getByRole("button", { name: "修改密码" }).click();
  await expect(form.getByRole("status")).toContainText("密码已修改");

  await phone.reload();
  await expect(phone.locator("header").getByRole("link", { name: "登录测试读者" })).toBeVisible();
  await laptop.reload();
  await expect(laptop).toHaveURL(/\/login/);
  await expect(laptop.locator("header").getByRole("link", { name: "登录" })).toBeVisible();
});

test("pages hydrate under the security policy and break none of its rules", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(msg.text())) {
      violations.push(`${page.url()}: ${msg.text()}`);
    }
  });
  for (const path of ["/", "/groups", "/groups/xuexi-xinsixiang", "/books", "/lectures", "/lectures/qingshaonian-qingxu", "/login"]) {
    await page.goto(path);
    await hydrated(page);
  }
  expect(violations).toEqual([]);
});
