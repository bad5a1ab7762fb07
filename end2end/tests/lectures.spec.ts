import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, login, register, uniqueName } from "./helpers";

const LIVE = "/lectures/qingshaonian-qingxu";

async function newReader(page: Page, display: string): Promise<string> {
  const username = uniqueName("lr");
  await register(page, username, display, "password-123");
  await expect(page).toHaveURL(/\/me$/);
  return username;
}

/** The number shown for a live figure ("—" until the live channel answers). */
async function figure(page: Page, id: string): Promise<number> {
  const cell = page.getByTestId(id);
  await expect(cell).toHaveText(/^\d+$/);
  return Number(await cell.textContent());
}

test("a lecturer creates a session with two branch venues; a full venue puts the next registration on the waiting list", async ({ browser }) => {
  const lecturer = await (await browser.newContext()).newPage();
  await login(lecturer, "zhujiang", DEMO_PASSWORD);
  await expect(lecturer).toHaveURL(/\/me$/);
  await lecturer.goto("/lectures/new");
  await hydrated(lecturer);
  const slug = `e2e-${Date.now().toString(36)}`;
  const title = `端到端测试讲座${slug}`;
  await lecturer.getByRole("textbox", { name: "讲座标题" }).fill(title);
  await lecturer.getByRole("textbox", { name: "网址名" }).fill(slug);
  await lecturer.getByRole("textbox", { name: "系列" }).fill("青少年身心健康");
  await lecturer.getByRole("textbox", { name: "主讲人", exact: true }).fill("陈教授");
  await lecturer.getByLabel("开始时间（北京时间）").fill("2030-03-01T19:00");
  await lecturer.getByLabel("结束时间（北京时间）").fill("2030-03-01T21:00");
  await lecturer.getByLabel("主会场名称").fill("市政协报告厅");
  await lecturer.getByLabel("主会场座位数").fill("50");
  await lecturer.getByLabel("分会场 1 名称").fill("东城分会场");
  await lecturer.getByLabel("分会场 1 座位数").fill("1");
  await lecturer.getByLabel("分会场 2 名称").fill("西城分会场");
  await lecturer.getByLabel("分会场 2 座位数").fill("20");
  await lecturer.getByLabel("直播链接 1").fill("javascript:alert(1)");
  await lecturer.getByRole("button", { name: "保存" }).click();
  // A bad link is refused in Chinese, and nothing typed is lost.
  await expect(lecturer.getByText(/只接受 http:\/\/ 或 https:\/\//)).toBeVisible();
  await expect(lecturer.getByLabel("分会场 2 名称")).toHaveValue("西城分会场");
  await lecturer.getByLabel("直播链接 1").fill("https://live.example.cn/e2e");
  await lecturer.getByRole("button", { name: "保存" }).click();
  await expect(lecturer).toHaveURL(new RegExp(`/lectures/${slug}$`));
  await expect(lecturer.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(lecturer.getByText("草稿", { exact: true })).toBeVisible();
  await expect(lecturer.getByRole("link", { name: "去观看" })).toBeVisible();

  // The organiser publishes it.
  const admin = await (await browser.newContext()).newPage();
  await login(admin, "admin", DEMO_PASSWORD);
  await expect(admin).toHaveURL(/\/me$/);
  await admin.goto(`/lectures/${slug}`);
  await hydrated(admin);
  await admin.getByRole("button", { name: "发布" }).click();
  await expect(admin.getByText("即将开始", { exact: true })).toBeVisible();

  // Two readers want the one seat of the first branch venue.
  const first = await (await browser.newContext()).newPage();
  const second = await (await browser.newContext()).newPage();
  await newReader(first, "报名甲");
  await newReader(second, "报名乙");
  const row = (p: Page) => p.locator(".venue").filter({ hasText: "东城分会场" });
  await first.goto(`/lectures/${slug}`);
  await hydrated(first);
  await expect(row(first)).toContainText("剩余 1 / 共 1 座");
  await row(first).getByRole("button", { name: "报名此会场" }).click();
  await expect(first.getByText("报名成功：东城分会场。")).toBeVisible();
  await expect(row(first)).toContainText("剩余 0 / 共 1 座");

  await second.goto(`/lectures/${slug}`);
  await hydrated(second);
  await row(second).getByRole("button", { name: "加入候补" }).click();
  await expect(second.getByText(/候补名单第 1 位/).first()).toBeVisible();

  // The first cancels: the second moves up by itself.
  await first.getByRole("button", { name: "取消报名" }).click();
  await expect(first.getByText("已取消报名。")).toBeVisible();
  await second.goto("/me");
  await expect(second.getByRole("link", { name: title })).toBeVisible();
  await expect(second.locator(".registration-list")).toContainText("东城分会场 · 已报名");
});

test("two viewers see the live count rise and each other's questions within 2 seconds; the stream plays", async ({ browser }) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await newReader(a, "观众甲");
  await newReader(b, "观众乙");

  await a.goto(LIVE);
  await hydrated(a);
  await expect(a.getByText("直播中", { exact: true })).toBeVisible();
  const before = await figure(a, "watching");
  const audienceBefore = await figure(a, "audience");

  await b.goto(LIVE);
  await hydrated(b);
  await expect
    .poll(async () => Number(await a.getByTestId("watching").textContent()), { timeout: 2_000 })
    .toBeGreaterThan(before);
  expect(await figure(b, "watching")).toBeGreaterThan(before);
  // A new signed-in viewer adds to the audience too.
  await expect
    .poll(async () => Number(await a.getByTestId("audience").textContent()), { timeout: 3_000 })
    .toBeGreaterThan(audienceBefore);

  const question = `家长怎样判断孩子需要专业帮助？${Date.now()}`;
  await b.getByLabel("你的问题").fill(question);
  await b.getByRole("button", { name: "提问" }).click();
  await expect(a.locator(".question").filter({ hasText: question })).toBeVisible({ timeout: 2_000 });

  // A votes for it; the count updates on both pages.
  await a.locator(".question").filter({ hasText: question }).getByRole("button", { name: /赞同/ }).click();
  await expect(b.locator(".question").filter({ hasText: question }).locator(".vote-count")).toHaveText("1", { timeout: 2_000 });

  // The demo HLS stream plays on the press of 播放 (hls.js is fetched only
  // then): the video's time advances.
  const video = a.locator("video[data-hls]");
  await expect(video).toBeVisible();
  const hlsFetched = () =>
    a.evaluate(() => performance.getEntriesByType("resource").some((e) => e.name.includes("/vendor/hls")));
  expect(await hlsFetched()).toBe(false);
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
  });
  await a.getByRole("button", { name: "▶ 播放" }).click();
  await expect.poll(hlsFetched).toBe(true);
  await expect
    .poll(async () => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
    .toBeGreaterThan(1);
});

test("the voter's own 赞同 button shows the vote at once, keeps it when the live list re-renders, and takes it back", async ({ browser }) => {
  // Demo accounts (no registrations needed): one asks, the other votes.
  const asker = await (await browser.newContext()).newPage();
  const voter = await (await browser.newContext()).newPage();
  await login(asker, "weiyuan2", DEMO_PASSWORD);
  await expect(asker).toHaveURL(/\/me$/);
  await login(voter, "duzhe2", DEMO_PASSWORD);
  await expect(voter).toHaveURL(/\/me$/);
  const question = `赞同按钮会立刻变化吗？${Date.now()}`;
  await asker.goto(LIVE);
  await hydrated(asker);
  await asker.getByLabel("你的问题").fill(question);
  await asker.getByRole("button", { name: "提问" }).click();

  await voter.goto(LIVE);
  await hydrated(voter);
  const row = voter.locator(".question").filter({ hasText: question });
  const vote = row.locator("button.vote");
  await expect(vote).toHaveAttribute("aria-pressed", "false");
  await expect(vote).not.toContainText("已赞同");

  // Pressed at once, before the live channel brings the new count…
  await vote.click();
  await expect(vote).toHaveAttribute("aria-pressed", "true", { timeout: 2_000 });
  await expect(vote).toContainText("已赞同");
  // …and still pressed once the live list has re-rendered the row with it.
  await expect(row.locator(".vote-count")).toHaveText("1", { timeout: 3_000 });
  await expect(vote).toHaveAttribute("aria-pressed", "true");
  await expect(vote).toContainText("已赞同");

  // Clicking again takes the vote back, shown unpressed.
  await vote.click();
  await expect(vote).toHaveAttribute("aria-pressed", "false", { timeout: 2_000 });
  await expect(vote).not.toContainText("已赞同");
  await expect(row.locator(".vote-count")).toHaveText("0", { timeout: 3_000 });
  await expect(vote).toHaveAttribute("aria-pressed", "false");

  // A reload agrees with what the page showed.
  await vote.click();
  await expect(vote).toHaveAttribute("aria-pressed", "true", { timeout: 2_000 });
  await voter.reload();
  await hydrated(voter);
  await expect(row.locator("button.vote")).toHaveAttribute("aria-pressed", "true");
});

test("the lecture hall lists sessions by status and series, with calendar and feed links", async ({ page }) => {
  await page.goto("/lectures");
  await expect(page.getByRole("heading", { name: "正在直播" })).toBeVisible();
  await expect(page.getByRole("link", { name: "读懂孩子的情绪：青少年心理健康的家庭支持" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "往期讲座" })).toBeVisible();
  await expect(page.getByText("可看回放").first()).toBeVisible();
  await page.getByLabel("系列").selectOption("自我保健促健康");
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/series=/);
  await expect(page.getByRole("link", { name: "吃出健康：《中国居民膳食指南》解读" })).toBeVisible();
  await expect(page.getByRole("link", { name: /读懂孩子的情绪/ })).toHaveCount(0);
  const ics = await page.request.get("/calendar.ics");
  expect(ics.headers()["content-type"]).toContain("text/calendar");
  expect(await ics.text()).toContain("BEGIN:VCALENDAR\r\n");
  const feed = await page.request.get("/lectures/feed.atom");
  expect(feed.headers()["content-type"]).toContain("application/atom+xml");
});
