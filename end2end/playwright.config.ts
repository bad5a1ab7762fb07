import { defineConfig, devices } from "@playwright/test";
import os from "node:os";
import path from "node:path";

// The release build, on its own port, with a fresh SQLite database and the
// demo data (whose organiser account some tests use).
const port = Number(process.env.E2E_PORT ?? 3210);
const dataDir = path.join(os.tmpdir(), `shuxiang-e2e-${port}`);
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./tests",
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined } },
    {
      name: "phone",
      use: {
        ...devices["Desktop Chrome"],
        channel: undefined,
        viewport: { width: 375, height: 740 },
        isMobile: true,
        hasTouch: true,
      },
      testMatch: /phone\.spec\.ts/,
    },
  ],
  webServer: {
    command: `rm -rf "${dataDir}" && mkdir -p "${dataDir}" && exec ../target/release/shuxiang`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      SHUXIANG_DATA_DIR: dataDir,
      SHUXIANG_DEMO: "1",
      // Every test signs up from 127.0.0.1: the per-address limit on new
      // accounts is for strangers, not for this suite.
      SHUXIANG_REGISTER_LIMIT: "10000",
      SHUXIANG_LOG: process.env.SHUXIANG_LOG ?? "warn",
    },
  },
});
