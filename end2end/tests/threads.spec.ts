import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login, register, uniqueName } from "./helpers";

const GROUP = "/groups/xuexi-xinsixiang";

/** A new reader who has joined the open demo group. */
async function joinedReader(page: Page, display: string): Promise<string> {
  const username = uniqueName("th");
  await register(page, username, display, "password-123");
  await expect(page).toHaveURL(/\/me$/);
  await page.goto(GROUP);
  await hydrated(page);
  await page.getByRole("button", { name: "加入读书群" }).click();
  await expect(page.getByText("你是本群成员")).toBeVisible();
  return username;
}

test("a thread, a quoted reply with a mention, the notification leads to it; a report gets the post hidden", async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  const aliceName = await joinedReader(alice, "讨论甲");
  await joinedReader(bob, "讨论乙");

  // Alice starts a thread about a book of the reading list.
  const title = `读书讨论${Date.now()}`;
  await alice.goto(`${GROUP}/threads`);
  await hydrated(alice);
  await alice.getByRole("textbox", { name: "标题" }).fill(title);
  await alice.getByLabel("关于哪本书").selectOption({ label: "《之江新语》" });
  await alice.getByRole("textbox", { name: "内容" }).fill("大家读到**哪一篇**印象最深？");
  await alice.getByRole("button", { name: "发布话题" }).click();
  await expect(alice.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(alice.locator(".post").first().locator("strong")).toHaveText("哪一篇");
  const threadUrl = alice.url();

  // Bob quotes her, mentions her with the suggestion list, previews, posts.
  await bob.goto(threadUrl);
  await hydrated(bob);
  await bob.getByRole("link", { name: "引用回复" }).first().click();
  await expect(bob.locator(".reply-form .post-quote")).toContainText("引用 讨论甲");
  await hydrated(bob);
  const box = bob.getByRole("textbox", { name: "回复内容" });
  await box.click();
  await box.pressSequentially(`我最喜欢“干在实处”。@${aliceName.slice(0, 5)}`);
  await bob.getByRole("button", { name: new RegExp(`@${aliceName}`) }).click();
  await expect(box).toHaveValue(new RegExp(`@${aliceName} $`));
  await box.pressSequentially("你呢？");
  await bob.getByRole("button", { name: "预览" }).click();
  await expect(bob.locator(".editor-preview")).toContainText("你呢？");
  await bob.getByRole("button", { name: "编辑" }).click();
  await bob.getByRole("button", { name: "发表回复" }).click();
  const reply = bob.locator(".post").filter({ hasText: "干在实处" });
  await expect(reply).toBeVisible();
  await expect(reply.locator(".post-quote")).toContainText("讨论甲 在 #1 楼说");
  await expect(box).toHaveValue("");

  // Alice sees the count in the header, opens the notification, lands on the reply.
  await alice.goto("/");
  const bell = alice.getByRole("link", { name: /通知，\d+ 条未读/ });
  await expect(bell).toBeVisible();
  await bell.click();
  await expect(alice).toHaveURL(/\/me\/notifications$/);
  const note = alice.getByRole("link", { name: new RegExp(`讨论乙 (引用了你的帖子|提到了你|回复了你的主题)：《${title}》`) });
  await expect(note).toHaveCount(1);
  await note.click();
  await expect(alice).toHaveURL(/\/threads\/\d+\?page=1#p2$/);
  await expect(alice.locator("#p2")).toContainText("干在实处");
  await expect(alice.getByRole("link", { name: /通知，\d+ 条未读/ })).toHaveCount(0);

  // Alice reports the reply; the organiser hides it from the queue.
  await hydrated(alice);
  const p2 = alice.locator("#p2");
  await p2.getByText("举报", { exact: true }).click();
  await p2.getByLabel("举报理由").fill("测试举报：与读书无关");
  await p2.getByRole("button", { name: "提交举报" }).click();
  await expect(alice.getByText("已举报，管理员会尽快处理。")).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await login(admin, "admin", DEMO_PASSWORD);
  await expect(admin).toHaveURL(/\/me$/);
  await admin.goto("/admin/moderation");
  await hydrated(admin);
  const item = admin.locator(".queue-item").filter({ hasText: "测试举报：与读书无关" });
  await expect(item).toContainText("干在实处");
  await item.getByLabel("处理说明（会告知作者，可选）").fill("与读书无关");
  await item.getByRole("button", { name: "隐藏帖子" }).click();
  await expect(admin.getByText("帖子已隐藏")).toBeVisible();
  await expect(admin.getByRole("row").filter({ hasText: "隐藏帖子" }).first()).toContainText("书香办·王老师");

  await alice.reload();
  await expect(alice.locator("#p2")).toContainText("此帖已被管理员隐藏");
  await expect(alice.locator("#p2")).not.toContainText("干在实处");
});

test("a draft survives a reload and a failed post keeps the text", async ({ page }) => {
  await joinedReader(page, "草稿丙");
  await page.goto(`${GROUP}/threads`);
  await hydrated(page);
  await page.getByRole("textbox", { name: "内容" }).fill("这段话还没写完，刷新也不能丢。");
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("textbox", { name: "内容" })).toHaveValue("这段话还没写完，刷新也不能丢。");
  await expect(page.getByText("已恢复上次未发送的草稿。")).toBeVisible();

  // No title: refused with the reason, and the text stays.
  await page.getByRole("button", { name: "发布话题" }).click();
  await expect(page.getByText("请填写主题标题")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "内容" })).toHaveValue("这段话还没写完，刷新也不能丢。");
});

test("long threads page with stable addresses; visitors read public groups", async ({ page }) => {
  await page.goto(`${GROUP}/threads`);
  await page.getByRole("link", { name: "每日读书打卡接龙" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "每日读书打卡接龙" })).toBeVisible();
  await expect(page.getByText("第 1 / 3 页").first()).toBeVisible();
  await page.getByRole("link", { name: "末页" }).first().click();
  await expect(page).toHaveURL(/page=3/);
  await expect(page.locator("#p45")).toContainText("第 45 棒");
  await expect(page.getByText("登录并加入本群后可以参与讨论。")).toBeVisible();
  // The members-only group's threads are not shown to visitors.
  await page.goto("/groups/jiaoyu-tongxinhui/threads");
  await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
});
