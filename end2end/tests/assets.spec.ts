import { expect, test } from "@playwright/test";

test("the bundle is hashed, compressed and cached for a year", async ({ page, request }) => {
  await page.goto("/");
  const wasm = await page.evaluate(() =>
    (document.querySelector('link[rel="preload"][as="fetch"]') as HTMLLinkElement | null)?.getAttribute("href"),
  );
  expect(wasm).toMatch(/^\/pkg\/shuxiang\.[^.]+\.wasm$/);
  for (const [encoding, header] of [["br", "br"], ["gzip", "gzip"]]) {
    const res = await request.get(wasm!, { headers: { "accept-encoding": encoding } });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-encoding"]).toBe(header);
    expect(res.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers()["content-type"]).toBe("application/wasm");
  }
  const page404 = await request.get("/pkg/not-there.js");
  expect(page404.status()).toBe(404);
  expect(page404.headers()["cache-control"]).not.toContain("immutable");
});
