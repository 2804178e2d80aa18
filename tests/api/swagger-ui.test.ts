import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { type TestServer, modeNamed, startServer } from "../support/server";

const CHROMIUM = "/usr/bin/chromium";

describe("Swagger UI in a real browser", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    server = await startServer(modeNamed("embedded"));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("renders the operations list from local assets only", async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) external.push(request.url());
    });
    await page.goto(`${server.url}/swagger`);
    const operation = page.locator(".opblock-summary-path", { hasText: "/health" }).first();
    await operation.waitFor({ state: "visible", timeout: 20_000 });
    expect(await page.locator(".opblock").count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator(".info .title").innerText()).toContain("XCord API");
    expect(external).toEqual([]);
  }, 60_000);
});
