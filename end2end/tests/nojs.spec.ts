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

test("without JavaScript: start a thread, reply quoting it, like and edit", async ({ page }) => {
  const username = uniqueName("nojs");
  await page.goto("/register");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("显示名称").fill("无脚本讨论");
  await page.getByLabel("密码", { exact: true }).fill("password-123");
  await page.getByLabel("确认密码").fill("password-123");
  await page.getByRole("button", { name: "注册", exact: true }).click();
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/groups/xuexi-xinsixiang");
  await page.getByRole("button", { name: "加入读书群" }).click();
  await expect(page.getByText("你是本群成员")).toBeVisible();

  await page.goto("/groups/xuexi-xinsixiang/threads");
  const title = `无脚本话题${Date.now()}`;
  await page.getByRole("textbox", { name: "标题" }).fill(title);
  await page.getByRole("textbox", { name: "内容" }).fill("");
  await page.getByRole("button", { name: "发布话题" }).click();
  await expect(page.getByText("请写下帖子内容")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "标题" })).toHaveValue(title);

  await page.getByRole("textbox", { name: "内容" }).fill("纸上得来终觉浅");
  await page.getByRole("button", { name: "发布话题" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();

  await page.getByRole("link", { name: "引用回复" }).first().click();
  await expect(page).toHaveURL(/quote=\d+#reply$/);
  await page.getByRole("textbox", { name: "回复内容" }).fill("绝知此事要躬行");
  await page.getByRole("button", { name: "发表回复" }).click();
  await expect(page).toHaveURL(/page=1#p2$/);
  const reply = page.locator("#p2");
  await expect(reply.locator(".post-quote")).toContainText("纸上得来终觉浅");

  await page.locator("#p1").getByRole("button", { name: /^赞/ }).click();
  await expect(page.locator("#p1").getByRole("button", { name: /^已赞 1/ })).toBeVisible();

  await reply.getByText("编辑", { exact: true }).click();
  await reply.getByLabel("修改帖子内容").fill("绝知此事要躬行。——陆游");
  await reply.getByRole("button", { name: "保存修改" }).click();
  await expect(page.locator("#p2")).toContainText("陆游");
  await expect(page.locator("#p2")).toContainText("已编辑 1 次");

  // Deleting takes two steps; the post's place stays.
  await page.locator("#p2").getByText("删除", { exact: true }).click();
  await page.locator("#p2").getByRole("button", { name: "确认删除" }).click();
  await expect(page.locator("#p2")).toContainText("此帖已删除。");
  await expect(page.locator("#p2")).not.toContainText("陆游");
});
