/**
 * The dashboard in Debian's Chromium, driven by playwright-core, against a
 * real server and database. Without Chromium the suite is skipped, unless
 * WPLLMSEO_REQUIRE_BROWSER=1 (CI sets it), which makes it fail.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { claimJobs } from "../../src/queue/claim-jobs.js";
import { listDeadLetters } from "../../src/queue/dead-letters.js";
import { readQueueStatus } from "../../src/queue/read-queue-status.js";
import { loadDialectTargets } from "../helpers/db.js";
import { ADMIN_TOKEN, createDeadLetters, FAILING_JOB, startHttpFixture, type HttpFixture } from "../http/http-fixture.js";

const CHROMIUM = process.env["WPLLMSEO_CHROMIUM"] || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOTS = path.resolve("test-results");

const available = existsSync(CHROMIUM);
const required = process.env["WPLLMSEO_REQUIRE_BROWSER"] === "1";
if (!available && !required) {
  console.warn(`Browser tests skipped: no Chromium at ${CHROMIUM}. Install it with apt-get install -y chromium, or set WPLLMSEO_CHROMIUM.`);
}

const [sqlite] = await loadDialectTargets();

describe.skipIf(!available && !required)("dashboard in Chromium", () => {
  let fixture: HttpFixture;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!available) {
      throw new Error(`WPLLMSEO_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM}: run apt-get install -y chromium.`);
    }
    if (!sqlite) throw new Error("No SQLite test target.");
    fixture = await startHttpFixture(sqlite);
    await createDeadLetters(fixture.engine.db, 2);
    await mkdir(SCREENSHOTS, { recursive: true });
    profile = await mkdtemp(path.join(tmpdir(), "wpllmseo-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await context?.close();
    await fixture?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  /** Opens the dashboard in a new tab, which starts with empty sessionStorage. */
  async function openDashboard(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${fixture.base}/`);
    return page;
  }

  it("finds a post by search", async () => {
    const page = await openDashboard();
    await page.fill("#search-query", "clay kiln");
    await page.click("#search-form button[type=submit]");
    const first = page.locator("#search-results li").first();
    await first.waitFor();
    expect(await first.locator(".result-title").textContent()).toBe("Pottery kilns");
    expect(await first.locator(".result-title").getAttribute("href")).toBe("https://example.com/kilns");
    expect(await first.locator(".result-excerpt").textContent()).toBe("A kiln fires clay pots at high heat.");
    expect(await first.locator(".result-score").textContent()).toMatch(/^score \d\.\d{4}$/);
    expect(await page.locator("#search-status").textContent()).toMatch(/^\d+ results in [\d.]+ ms$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-search.png"), fullPage: true });
    await page.close();
  });

  it("shows 401 without or with a wrong token", async () => {
    const page = await openDashboard();
    const status = page.locator("#admin-status");
    await expect.poll(() => status.textContent()).toContain("401 Unauthorized: paste the server's WPLLMSEO_ADMIN_TOKEN");
    expect(await status.getAttribute("class")).toBe("unauthorized");
    expect(await page.locator("#admin-panels").isHidden()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-401.png"), fullPage: true });

    await page.fill("#admin-token", "not-the-admin-token-at-all");
    await page.click("#token-form button[type=submit]");
    await expect.poll(() => status.textContent()).toContain("401 Unauthorized: the admin token is wrong");
    expect(await page.locator("#admin-panels").isHidden()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-401-wrong-token.png"), fullPage: true });
    await page.close();
  });

  it("retries a dead letter from the list", async () => {
    const page = await openDashboard();
    await page.fill("#admin-token", ADMIN_TOKEN);
    await page.click("#token-form button[type=submit]");
    const rows = page.locator("#dead-letters tbody tr[data-id]");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('#queue-counts tr[data-status="completed"] td').nth(1).textContent()).toBe("2");
    expect(await page.locator('#queue-counts tr[data-status="failed"] td').nth(1).textContent()).toBe("2");
    expect(await page.locator("#history-chart svg g.bars rect.bar-completed").count()).toBe(60);
    expect(await page.locator("#history-chart svg > title").textContent()).toBe("2 completed and 2 failed in the last 60 minutes");
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-admin.png"), fullPage: true });

    const id = (await rows.first().getAttribute("data-id")) as string;
    await rows.first().locator("button").click();
    await expect.poll(() => page.locator(`#dead-letters tbody tr[data-id="${id}"]`).count()).toBe(0);
    expect(await rows.count()).toBe(1);
    expect(await page.locator('#queue-counts tr[data-status="queued"] td').nth(1).textContent()).toBe("1");
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-after-retry.png"), fullPage: true });

    const left = await listDeadLetters(fixture.engine.db);
    expect(left.map((letter) => letter.id)).not.toContain(id);
    expect((await readQueueStatus(fixture.engine.db)).counts.queued).toBe(1);

    const [claimed] = await claimJobs(fixture.engine.db, { runner: "browser-test:1", leaseMs: 60_000, limit: 1 });
    await page.click("#token-form button[type=submit]");
    const running = page.locator(`#running-jobs tbody tr[data-id="${claimed?.id}"] td`);
    await expect.poll(() => running.count()).toBe(5);
    expect(await running.nth(1).textContent()).toBe(FAILING_JOB);
    expect(await running.nth(2).textContent()).toBe("browser-test:1");
    expect(await running.nth(3).textContent()).toMatch(/^\d+\.\d s$/);
    expect(await running.nth(4).textContent()).toMatch(/^(59|60)\.\d s$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-running-job.png"), fullPage: true });
    await page.close();
  });
});
