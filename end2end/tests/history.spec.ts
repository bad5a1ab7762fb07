import { expect, Page, test } from "@playwright/test";
import { hydrated, register, uniqueName } from "./helpers";

const GROUP = "/groups/xuexi-xinsixiang";

/** A new reader who has joined the open demo group; their user name. */
async function joinedReader(page: Page, display: string): Promise<string> {
  const username = uniqueName("hi");
  await register(page, username, display, "password-123");
  await expect(page).toHaveURL(/\/me$/);
  await page.goto(GROUP);
  await hydrated(page);
  await page.getByRole("button", { name: "加入读书群" }).click();
  await expect(page.getByText("你是本群成员")).toBeVisible();
  return username;
}

/** Starts a thread in the demo group; lands on it. */
async function startThread(page: Page, title: string, body: string) {
  await page.goto(`${GROUP}/threads`);
  await hydrated(page);
  await page.getByRole("textbox", { name: "标题" }).fill(title);
  await page.getByRole("textbox", { name: "内容" }).fill(body);
  await page.getByRole("button", { name: "发布话题" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}

/** The drafts kept in this browser. */
async function draftKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("shuxiang:draft:")));
}

test("a post edited twice shows the count; its history opens on its own page, newest first", async ({ page, browser }) => {
  test.slow(); // a registration, a thread, two edits and two page loads
  await joinedReader(page, "改稿甲");
  await startThread(page, `编辑历史${Date.now()}`, "第一版：原文");
  const post = page.locator(".post").first();
  await expect(post).toContainText("第一版：原文");
  await expect(post).not.toContainText("已编辑");

  for (const text of ["第二版：改过一次", "第三版：改过两次"]) {
    // Saving reloads the thread; start each edit from a settled page.
    await page.reload();
    await hydrated(page);
    await post.getByText("编辑", { exact: true }).click();
    const box = post.getByLabel("修改帖子内容");
    await expect(box).toBeVisible();
    await box.fill(text);
    await post.getByRole("button", { name: "保存修改" }).click();
    await expect(page.getByText("已保存修改")).toBeVisible();
    await expect(post.locator(".prose")).toHaveText(text);
  }
  await expect(post).toContainText("已编辑 2 次");
  // The earlier versions are not on the thread page as it is served.
  await page.reload();
  await hydrated(page);
  await expect(post).toContainText("已编辑 2 次");
  await expect(page.getByText("第一版：原文")).toHaveCount(0);
  await expect(page.getByText("第二版：改过一次")).toHaveCount(0);

  // After hydration the link opens the history in the page.
  await post.getByRole("link", { name: "查看编辑历史" }).click();
  await expect(page).toHaveURL(/\/posts\/\d+\/history$/);
  await expect(page.getByRole("heading", { level: 1, name: "编辑历史" })).toBeVisible();
  const versions = page.locator(".history-list > li");
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toContainText("第 2 版");
  await expect(versions.nth(0)).toContainText("第二版：改过一次");
  await expect(versions.nth(1)).toContainText("原文");
  await expect(versions.nth(1)).toContainText("第一版：原文");
  await expect(page.getByText("第三版：改过两次")).toHaveCount(0);
  const historyUrl = page.url();

  // Back to the post.
  await page.getByRole("link", { name: "返回帖子" }).click();
  await expect(page.locator(".post").first()).toContainText("第三版：改过两次");

  // The same page without WebAssembly, for a visitor.
  const nojs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await nojs.goto(historyUrl);
  await expect(nojs.getByRole("heading", { level: 1, name: "编辑历史" })).toBeVisible();
  await expect(nojs.locator(".history-list > li")).toHaveCount(2);
  await expect(nojs.locator(".history-list > li").first()).toContainText("第二版：改过一次");
});

test("a draft belongs to its account: signing out forgets it, the next person on the browser finds an empty box", async ({ page }) => {
  test.slow(); // two registrations
  await joinedReader(page, "草稿主人");
  await startThread(page, `草稿归属${Date.now()}`, "来聊聊这本书。");
  const threadUrl = page.url();
  const box = page.getByRole("textbox", { name: "回复内容" });
  await box.fill("这是我还没发出去的回复，别人不该看到。");
  await page.reload();
  await hydrated(page);
  await expect(box).toHaveValue("这是我还没发出去的回复，别人不该看到。");
  expect(await draftKeys(page)).toHaveLength(1);

  await page.getByRole("button", { name: "退出" }).click();
  await expect(page.getByRole("link", { name: "登录" }).first()).toBeVisible();
  expect(await draftKeys(page)).toEqual([]);

  // Someone else signs up on the same browser and opens the same thread.
  await joinedReader(page, "下一位读者");
  await page.goto(threadUrl);
  await hydrated(page);
  await expect(page.getByRole("textbox", { name: "回复内容" })).toHaveValue("");
  await expect(page.getByText("已恢复上次未发送的草稿。")).toHaveCount(0);
});
