/**
 * The web console in a real browser: headless Chromium (Debian's package, driven by
 * puppeteer-core) against `npm start` (CLOCK=sandbox) holding the demo's market, played through
 * the public API (a week matched, metered as the sandbox clock moves past it, and settled). Each view renders with data, the map puts every site in its country,
 * a buyer's key shows its own orders only, a bad key shows an error. Screenshots of each view
 * are written to test-artifacts/console/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { seedDemoMarket } from '../scripts/demo/demo-market';
import { ComputeOrder } from '../scripts/demo/market-api';
import { SandboxClock } from '../scripts/demo/sandbox-clock';
import { chromiumPath, launchChromium } from './support/headless-chromium';
import { npmStart, NpmStart } from './support/npm-start';

/** The DOM the in-page callbacks use: the project compiles without the DOM library. */
declare const DOMPoint: new (x: number, y: number) => unknown;
declare const document: {
  querySelector(selector: string): { value?: string; textContent?: string | null } | null;
};
interface ShapeInPage {
  isPointInFill(point: unknown): boolean;
  getAttribute(name: string): string | null;
}
interface MarkerInPage {
  ownerSVGElement: { querySelectorAll(selector: string): Iterable<ShapeInPage> };
}

const ARTIFACTS = join(__dirname, '..', 'test-artifacts', 'console');

/** Where the seed's sites are: the world-atlas name of each ISO country code it uses. */
const ATLAS_COUNTRY: Record<string, string> = {
  FR: 'France',
  ES: 'Spain',
  AE: 'United Arab Emirates',
  US: 'United States of America',
};

// Without a browser the suite is skipped locally, and fails loudly in CI (.ci/run installs one).
const describeInBrowser = chromiumPath() || process.env.CI ? describe : describe.skip;
if (!chromiumPath() && !process.env.CI) {
  console.warn('console.e2e: no Chromium (set CHROMIUM_PATH or install `chromium`): skipped');
}

describeInBrowser('web console (headless Chromium, npm start with the demo market)', () => {
  let service: NpmStart;
  let market: Awaited<ReturnType<typeof seedDemoMarket>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const operatorKey = randomBytes(32).toString('base64url');
    // Settled, not Promise.all: a browser that fails to start must not leave the service running.
    const [started, launched] = await Promise.allSettled([
      npmStart({ CLOCK: 'sandbox', OPERATOR_API_KEY: operatorKey }),
      launchChromium(),
    ]);
    if (started.status === 'fulfilled') service = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const outcome of [started, launched]) {
      if (outcome.status === 'rejected') throw outcome.reason;
    }
    market = await seedDemoMarket(
      service.baseUrl,
      operatorKey,
      (operator) => new SandboxClock(operator),
    );
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** A fresh tab (its own session storage) signed in with `key`, on `view` of the demo's week. */
  async function openConsole(
    key: string,
    view: string,
    prepare?: (page: Page) => Promise<void>,
  ): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1366, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await prepare?.(page);
    await page.goto(`${market.baseUrl}/console/?week=${market.seed.weekStart}#${view}`);
    await page.type('#api-key', key);
    await page.click('#key-form button[type=submit]');
    (page as Page & { scriptErrors?: string[] }).scriptErrors = errors;
    return page;
  }

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}.png`) as `${string}.png`, fullPage: true });

  const buyerWithOrders = (excluded?: string): string => {
    const buyers = market.outcome.orders.filter((order) => order.fills.length > 0);
    return buyers.find((order) => order.buyerId !== excluded)!.buyerId;
  };

  it('shows an error for a bad key, and opens no view', async () => {
    const page = await openConsole('pc_not-a-key-anyone-was-given', 'map');
    await page.waitForSelector('#error:not([hidden])', { timeout: 20_000 });
    const error = await page.$eval('#error', (box) => box.textContent ?? '');
    expect(error).toMatch(/refused/i);
    expect(await page.$eval('#views-nav', (nav) => nav.hasAttribute('hidden'))).toBe(true);
    expect(await page.evaluate("sessionStorage.getItem('policloud.apiKey')")).toBeNull();
    await screenshot(page, 'bad-key');
    await page.browserContext().close();
  });

  it('draws every site of the seed on the map, in its country, coloured by the hour', async () => {
    const page = await openConsole(market.operatorKey, 'map');
    await page.waitForSelector('#map-sites', { timeout: 60_000 });
    const markers = await page.$$eval('circle.site-marker', (circles) =>
      circles.map((circle) => {
        const map = (circle as unknown as MarkerInPage).ownerSVGElement;
        const point = new DOMPoint(
          Number(circle.getAttribute('cx')),
          Number(circle.getAttribute('cy')),
        );
        // The country drawn under the marker, from the SVG geometry itself.
        const drawnIn = [...map.querySelectorAll('path.country')]
          .filter((path) => path.isPointInFill(point))
          .map((path) => path.getAttribute('data-country-name'));
        return {
          siteId: circle.getAttribute('data-site-id'),
          country: circle.getAttribute('data-country'),
          locatedIn: circle.getAttribute('data-located-in'),
          drawnIn,
          utilisation: Number(circle.getAttribute('data-utilisation')),
          fill: circle.getAttribute('fill'),
          label: circle.getAttribute('aria-label'),
        };
      }),
    );
    expect(markers.map((marker) => marker.siteId).sort()).toEqual(
      market.seed.sites.map((site) => site.id).sort(),
    );
    for (const site of market.seed.sites) {
      const marker = markers.find((candidate) => candidate.siteId === site.id)!;
      expect({ site: site.id, country: marker.country, locatedIn: marker.locatedIn }).toEqual({
        site: site.id,
        country: site.country,
        locatedIn: ATLAS_COUNTRY[site.country],
      });
      expect(marker.drawnIn).toEqual([ATLAS_COUNTRY[site.country]]);
      expect(marker.label).toContain(site.name);
    }
    // The busiest hour is shown first: some site has GPUs allocated, in a darker colour.
    expect(markers.some((marker) => marker.utilisation > 0)).toBe(true);
    expect(new Set(markers.map((marker) => marker.fill)).size).toBeGreaterThan(1);

    // Country and jurisdiction on hover (and keyboard focus).
    await page.hover('circle.site-marker[data-site-id="abu-dhabi"]');
    const tooltip = await page.$eval('#map-tooltip', (box) => ({
      hidden: box.hasAttribute('hidden'),
      text: box.textContent ?? '',
    }));
    expect(tooltip.hidden).toBe(false);
    expect(tooltip.text).toContain('United Arab Emirates (AE)');
    expect(tooltip.text).toContain('jurisdiction AE');
    await screenshot(page, 'map');

    // From the keyboard: a focused marker shows the same, and Enter opens its energy view.
    await page.$eval('circle.site-marker[data-site-id="hera-zaragoza"]', (marker) =>
      (marker as unknown as { focus(): void }).focus(),
    );
    expect(await page.$eval('#map-tooltip', (box) => box.textContent)).toContain('Spain (ES)');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      "document.querySelector('#energy-site')?.value === 'hera-zaragoza'",
      { timeout: 30_000 },
    );
    expect((page as Page & { scriptErrors?: string[] }).scriptErrors).toEqual([]);
    await page.browserContext().close();
  });

  it('charts energy against compute for a site over the week, with its clearing prices', async () => {
    const busiest = [...market.outcome.allocations].sort((a, b) => b.gpus - a.gpus)[0].siteId;
    const page = await openConsole(market.operatorKey, 'energy');
    await page.waitForSelector('#energy-site', { timeout: 60_000 });
    await page.select('#energy-site', busiest);
    await page.waitForFunction(
      (siteId) =>
        document.querySelector('#energy-site') &&
        document.querySelector('#energy-site')!.value === siteId &&
        document.querySelector('#energy-summary'),
      { timeout: 30_000 },
      busiest,
    );
    expect(await page.$$eval('.chart canvas', (canvases) => canvases.length)).toBe(3);
    const summary = await page.$$eval('#energy-summary dd', (values) =>
      values.map((value) => ({
        wh: Number(value.getAttribute('data-wh')),
        text: value.textContent ?? '',
      })),
    );
    const [offered, allocated, leftOver] = summary;
    const expectedAllocatedWh = market.outcome.capacity
      .find((capacity) => capacity.siteId === busiest)!
      .slots.reduce((sum, slot) => sum + slot.whAllocated, 0);
    expect(allocated.wh).toBe(expectedAllocatedWh);
    expect(allocated.wh).toBeGreaterThan(0);
    expect(offered.wh).toBe(allocated.wh + leftOver.wh);
    expect(summary[4].text).toMatch(/ in \d+ h/);
    await screenshot(page, 'energy');
    await page.browserContext().close();
  });

  it("opens a producer's energy view on the site its offers feed", async () => {
    const offer = market.seed.offers.find(
      (candidate) =>
        !market.seed.participants
          .find((participant) => participant.id === candidate.producerId)!
          .roles.includes('host'),
    )!;
    const page = await openConsole(market.keys.get(offer.producerId)!, 'energy');
    await page.waitForSelector('#energy-summary', { timeout: 60_000 });
    expect(
      await page.$eval('#energy-site', (select) => (select as unknown as { value: string }).value),
    ).toBe(offer.siteIds[0]);
    await page.browserContext().close();
  });

  it("shows a buyer its own orders with fill state and sites, and never another buyer's", async () => {
    const buyer = buyerWithOrders();
    const other = buyerWithOrders(buyer);
    const page = await openConsole(market.keys.get(buyer)!, 'orders');
    await page.waitForSelector('#orders-table', { timeout: 60_000 });
    const rows = await page.$$eval('#orders-table tbody tr', (trs) =>
      trs.map((tr) => ({
        id: tr.querySelector('code')?.getAttribute('title'),
        buyer: tr.children[1].textContent,
        state: tr.children[6].textContent,
        ranOn: tr.children[9].textContent,
      })),
    );
    const own = market.outcome.orders.filter((order) => order.buyerId === buyer);
    expect(rows.map((row) => row.id).sort()).toEqual(own.map((order) => order.id).sort());
    expect(new Set(rows.map((row) => row.buyer))).toEqual(new Set([buyer]));
    const html = await page.content();
    for (const order of market.outcome.orders.filter((order) => order.buyerId === other)) {
      expect(html).not.toContain(order.id);
    }
    const filled = own.find((order) => order.fills.length > 0)!;
    const filledRow = rows.find((row) => row.id === filled.id)!;
    expect(filledRow.state).toMatch(/filled/i);
    expect(filledRow.ranOn).toContain(
      market.outcome.sites.find((site) => site.id === filled.fills[0].siteId)!.name,
    );
    // The operator-only buyer picker is not offered to a buyer.
    expect(await page.$('#orders-buyer')).toBeNull();
    await screenshot(page, 'orders');
    await page.browserContext().close();
  });

  it("shows the month's statements per party with the balance check", async () => {
    const period = market.settlement.periods[0];
    const page = await openConsole(market.operatorKey, 'statements');
    await page.waitForSelector('#statements-period', { timeout: 30_000 });
    await page.$eval(
      '#statements-period',
      (input, value) => ((input as unknown as { value: string }).value = value as string),
      period.period,
    );
    await page.click('#statements-period ~ button[type=submit]');
    await page.waitForSelector('#statements-table', { timeout: 30_000 });
    const rows = await page.$$eval('#statements-table tbody tr', (trs) => trs.length);
    expect(rows).toBe(period.statements.length);
    const balances = await page.$$eval('#balance-check li', (items) =>
      items.map((item) => ({
        currency: item.getAttribute('data-currency'),
        balanced: item.getAttribute('data-balanced'),
      })),
    );
    expect(balances.length).toBeGreaterThan(0);
    expect(balances.every((balance) => balance.balanced === 'true')).toBe(true);
    expect(await page.$$eval('#statements-table .bad', (bad) => bad.length)).toBe(0);
    await screenshot(page, 'statements');
    await page.browserContext().close();
  });

  it('lets an auditor verify the history, read checkpoints and sovereignty verdicts, and export', async () => {
    const frOnlyBuyer = market.outcome.orders.find(
      (order) => order.constraints.jurisdictions?.join() === 'FR' && order.fills.length > 0,
    )!.buyerId;
    const page = await openConsole(market.auditorKey, 'audit');
    await page.waitForSelector('#verify-result', { timeout: 60_000 });
    expect(await page.$eval('#verify-result', (box) => box.getAttribute('data-ok'))).toBe('true');
    expect(await page.$$eval('#checkpoints-table tbody tr', (trs) => trs.length)).toBeGreaterThan(
      0,
    );

    await page.type('#sovereignty-buyer', frOnlyBuyer);
    await page.click('#sovereignty-buyer ~ button[type=submit]');
    await page.waitForSelector('#verdicts-table', { timeout: 30_000 });
    const verdicts = await page.$$eval('#verdicts-table [data-verdict]', (cells) =>
      cells.map((cell) => cell.getAttribute('data-verdict')),
    );
    expect(verdicts).toContain('pass');
    expect(verdicts).not.toContain('fail');
    const where = await page.$$eval('#where-table tbody tr', (trs) =>
      trs.map((tr) => tr.children[0].textContent),
    );
    expect(new Set(where)).toEqual(new Set(['FR']));

    await page.click('#export-button');
    await page.waitForFunction("document.querySelector('#export-status')?.dataset.lines", {
      timeout: 30_000,
    });
    expect(await page.$eval('#export-status', (status) => status.textContent)).toMatch(
      /Downloaded .*\.ndjson/,
    );
    await screenshot(page, 'audit');
    await page.browserContext().close();
  });

  it("shows why an order is short: the run's reason code and its sentence", async () => {
    // The run's reasons, as GET /v1/compute-orders/:id gives the last one on each order.
    const short = market.outcome.run.unfilled.find((reason) =>
      market.outcome.orders.some(
        (order: ComputeOrder) =>
          order.id === reason.orderId && ['open', 'partially_filled'].includes(order.status),
      ),
    )!;
    const buyer = market.outcome.orders.find((order) => order.id === short.orderId)!.buyerId;
    const page = await openConsole(market.keys.get(buyer)!, 'orders');
    await page.waitForSelector('#orders-table', { timeout: 60_000 });
    const reason = await page.$eval(`#orders-table code[title="${short.orderId}"]`, (code) => {
      const row = (code as unknown as { closest(selector: string): typeof code }).closest('tr')!;
      const cell = (
        row as unknown as { querySelector(selector: string): typeof code | null }
      ).querySelector('.unfilled-reason');
      return cell
        ? { code: cell.getAttribute('data-code'), text: cell.textContent }
        : { code: null, text: null };
    });
    expect(reason).toEqual({
      code: short.reason,
      text: `${short.reason}: ${short.message}`,
    });
    await page.browserContext().close();
  });

  it("prices a contested site's hours from the market, above its reserve", async () => {
    // Abu Dhabi: many GCC and anywhere bids for few GPUs, so its hours clear above the reserve.
    const site = market.seed.sites.find((candidate) => candidate.id === 'abu-dhabi')!;
    const published = market.outcome.run.prices.filter((price) => price.siteId === site.id);
    const aboveReserve = published.filter(
      (price) => price.pricePerGpuHour > site.reservePricePerGpuHour,
    );
    expect(aboveReserve.length).toBeGreaterThan(0);
    const page = await openConsole(market.operatorKey, 'energy');
    await page.waitForSelector('#energy-site', { timeout: 60_000 });
    await page.select('#energy-site', site.id);
    await page.waitForFunction(
      (siteId) =>
        document.querySelector('#energy-site')?.value === siteId &&
        document.querySelector('#clearing-summary'),
      { timeout: 30_000 },
      site.id,
    );
    const clearing = await page.$eval('#clearing-summary', (summary) => ({
      hours: Number(summary.getAttribute('data-hours')),
      aboveReserve: Number(summary.getAttribute('data-above-reserve')),
      highest: Number(summary.getAttribute('data-highest')),
      text: summary.textContent ?? '',
    }));
    expect(clearing.hours).toBe(new Set(published.map((price) => price.slot)).size);
    expect(clearing.aboveReserve).toBe(new Set(aboveReserve.map((price) => price.slot)).size);
    expect(clearing.highest).toBe(Math.max(...published.map((price) => price.pricePerGpuHour)));
    expect(clearing.text).toContain('above the reserve of');
    await screenshot(page, 'energy-contested');
    await page.browserContext().close();
  });

  it('serves the console as static files under a policy that allows only this origin', async () => {
    const response = await fetch(`${market.baseUrl}/console`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    const page = await fetch(`${market.baseUrl}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const vendor = await fetch(`${market.baseUrl}/console/vendor/d3-geo/d3-geo.mjs`);
    expect(vendor.status).toBe(200);
    expect(vendor.headers.get('content-type')).toMatch(/javascript/);
  });
});
