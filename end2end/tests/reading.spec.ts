import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login, register, uniqueName } from "./helpers";

async function newReader(page: Page, display: string) {
  const username = uniqueName("rd");
  await register(page, username, display, "password-123");
  await expect(page).toHaveURL(/\/me$/);
  return username;
}

test("a reader joins an open group, checks in once, records progress and writes a note", async ({ page, browser }) => {
  await newReader(page, "共读小王");
  await page.goto("/groups/xuexi-xinsixiang");
  await hydrated(page);
  await page.getByRole("button", { name: "加入读书群" }).click();
  await expect(page.getByText("你是本群成员")).toBeVisible();

  // A second tab opened before checking in still shows the form.
  const second = await page.context().newPage();
  await second.goto("/groups/xuexi-xinsixiang");
  await hydrated(second);

  const checkIn = page.getByRole("region", { name: "今日打卡" });
  await checkIn.getByLabel("今天读了多少分钟").fill("30");
  await checkIn.getByLabel("一句话感想（可选）").fill("读了《之江新语》两篇");
  await checkIn.getByRole("button", { name: "打卡" }).click();
  await expect(page.getByText("今天已打卡")).toBeVisible();

  // Checking in again the same day is refused, with the reason.
  const again = second.getByRole("region", { name: "今日打卡" });
  await again.getByLabel("今天读了多少分钟").fill("10");
  await again.getByRole("button", { name: "打卡" }).click();
  await expect(second.getByText("今天已经打过卡了，明天再来吧")).toBeVisible();
  await second.close();

  // The book now being read: mark it 在读 with progress.
  await page.getByRole("region", { name: "书目" }).getByRole("link", { name: "《之江新语》" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "《之江新语》" })).toBeVisible();
  await hydrated(page);
  await page.getByRole("radio", { name: "在读" }).check();
  await page.getByLabel("或读了百分之几").fill("40");
  await page.getByRole("button", { name: "保存进度" }).click();
  await expect(page.getByText("已记录：在读")).toBeVisible();

  // A note that then shows on the book page, also for others.
  const title = `心得${Date.now()}`;
  await page.getByRole("textbox", { name: "标题" }).fill(title);
  await page.getByRole("textbox", { name: "读书心得" }).fill("**知行合一**\n\n> 为官一任，造福一方。");
  await page.getByRole("button", { name: "发布心得" }).click();
  await expect(page.getByRole("heading", { level: 3, name: title })).toBeVisible();
  await expect(page.locator(".note").filter({ hasText: title }).locator("blockquote")).toContainText("造福一方");

  const visitor = await browser.newPage();
  await visitor.goto(page.url());
  await expect(visitor.getByRole("heading", { level: 3, name: title })).toBeVisible();
  await visitor.close();

  // The progress board of the group shows it.
  await page.goto("/groups/xuexi-xinsixiang");
  await expect(page.getByRole("row").filter({ hasText: "共读小王" })).toContainText("在读 · 40%");
});

test("a leader approves a join request", async ({ page, browser }) => {
  const display = `申请者${Date.now() % 100000}`;
  await newReader(page, display);
  await page.goto("/groups/jiaoyu-tongxinhui");
  await hydrated(page);
  await page.getByLabel("申请留言（可选）").fill("我是乡村教师");
  await page.getByRole("button", { name: "申请加入" }).click();
  await expect(page.getByText("已提交加入申请，等待群主审核。")).toBeVisible();

  const leaderContext = await browser.newContext();
  const leader = await leaderContext.newPage();
  await login(leader, "weiyuan", DEMO_PASSWORD);
  await expect(leader).toHaveURL(/\/me$/);
  await leader.goto("/groups/jiaoyu-tongxinhui/manage");
  await hydrated(leader);
  await expect(leader.getByText("我是乡村教师")).toBeVisible();
  await leader.getByRole("button", { name: `同意 ${display}` }).click();
  await expect(leader.getByText("已同意加入申请")).toBeVisible();
  await expect(leader.getByRole("button", { name: `同意 ${display}` })).toHaveCount(0);
  await leaderContext.close();

  await page.reload();
  await expect(page.getByText("你是本群成员")).toBeVisible();
});

test("a full group refuses a join with the message", async ({ page, browser }) => {
  // An organiser opens a group with a single reader seat.
  const slug = `full-${Date.now().toString(36)}`;
  await login(page, "admin", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/groups/new");
  await hydrated(page);
  await page.getByLabel("群名称").fill("只有一个名额的读书群");
  await page.getByLabel("网址名").fill(slug);
  await page.getByLabel("开始日期").fill("2026-01-01");
  await page.getByLabel("结束日期").fill("2030-12-31");
  await page.getByLabel("委员名额").fill("0");
  await page.getByLabel("读者名额").fill("1");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page).toHaveURL(new RegExp(`/groups/${slug}$`));
  await expect(page.getByRole("heading", { level: 1, name: "只有一个名额的读书群" })).toBeVisible();

  // Two readers look at the page; the first takes the seat.
  const aContext = await browser.newContext();
  const a = await aContext.newPage();
  await newReader(a, "先到的读者");
  const bContext = await browser.newContext();
  const b = await bContext.newPage();
  await newReader(b, "后到的读者");
  await a.goto(`/groups/${slug}`);
  await b.goto(`/groups/${slug}`);
  await hydrated(a);
  await hydrated(b);
  await a.getByRole("button", { name: "加入读书群" }).click();
  await expect(a.getByText("你是本群成员")).toBeVisible();
  await b.getByRole("button", { name: "加入读书群" }).click();
  await expect(b.getByText("读者名额已满，无法加入")).toBeVisible();
  await b.reload();
  await expect(b.getByText("读者名额已满，暂时无法加入。")).toBeVisible();
  await expect(b.getByRole("button", { name: "加入读书群" })).toHaveCount(0);
  await aContext.close();
  await bContext.close();
});

test("CSV import previews row problems and imports nothing until they are fixed", async ({ page }) => {
  await login(page, "admin", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/books/import");
  await hydrated(page);
  const stamp = Date.now().toString(36);
  const box = page.getByLabel("或直接粘贴 CSV 内容");
  await box.fill(`书名,作者,出版年份\n导入测试甲${stamp},某人,2020\n,无名氏,3000\n`);
  await page.getByRole("button", { name: "预览" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 行可以导入，1 行有问题" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "无名氏" })).toContainText("请填写书名");
  await expect(page.getByRole("button", { name: "确认导入" })).toHaveCount(0);

  await box.fill(`书名,作者,出版年份\n导入测试甲${stamp},某人,2020\n导入测试乙${stamp},无名氏,2021\n`);
  await page.getByRole("button", { name: "预览" }).click();
  await expect(page.getByRole("status").filter({ hasText: "2 行可以导入，0 行有问题" })).toBeVisible();
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByText("已导入 2 本图书")).toBeVisible();
  await page.goto(`/books?q=${encodeURIComponent("导入测试乙" + stamp)}`);
  await expect(page.getByRole("link", { name: `导入测试乙${stamp}` })).toBeVisible();
});

test("a member recommends a book and the organiser approves it", async ({ page, browser }) => {
  await login(page, "weiyuan2", DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/me$/);
  await page.goto("/books?q=" + encodeURIComponent("白鹿原"));
  await page.getByRole("link", { name: "白鹿原" }).click();
  await hydrated(page);
  const reason = `关中大地的史诗 ${Date.now()}`;
  await page.getByLabel("推荐理由").fill(reason);
  await page.getByRole("button", { name: "提交推荐" }).click();
  await expect(page.getByText("已提交推荐，等待管理员审核")).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await login(admin, "admin", DEMO_PASSWORD);
  await expect(admin).toHaveURL(/\/me$/);
  await admin.goto("/admin/recommendations");
  await hydrated(admin);
  const item = admin.locator(".rec").filter({ hasText: reason });
  await item.getByRole("button", { name: "通过", exact: true }).click();
  await expect(admin.getByText("已通过")).toBeVisible();
  await admin.goto("/books/recommended");
  await expect(admin.getByText(reason)).toBeVisible();
});
