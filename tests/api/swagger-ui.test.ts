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

  test("/swagger/ (trailing slash) loads the same document and shows the examples", async () => {
    const page = await browser.newPage();
    const specs: string[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith("/json")) specs.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto(`${server.url}/swagger/`);
    const register = page.locator(".opblock-summary-path", { hasText: "/api/v1/auth/register" }).first();
    await register.waitFor({ state: "visible", timeout: 20_000 });
    expect(specs).toEqual(["200 /swagger/json"]);
    await register.click();
    const example = page.locator(".opblock-body .body-param__example, .opblock-body .microlight").first();
    await example.waitFor({ state: "visible", timeout: 20_000 });
    expect(await example.innerText()).toContain("alice@example.com");
    const links = await page.locator(".info a").evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")));
    expect(links).toEqual(expect.arrayContaining(["/swagger/asyncapi.json", "/swagger/docs/rest.md", "/swagger/docs/gateway.md", "/swagger/docs/voice.md"]));
  }, 60_000);
});
