import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';

/** Debian's `chromium` package, unless CHROMIUM_PATH names another binary. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
  return existsSync(path) ? path : undefined;
}

/**
 * puppeteer-core is an ES module: loaded with a real dynamic import (jest runs with
 * --experimental-vm-modules), which TypeScript's CommonJS output would turn into a require.
 */
const importModule = new Function('specifier', 'return import(specifier)') as <T>(
  specifier: string,
) => Promise<T>;

/** Headless Chromium driven by puppeteer-core; no browser is ever downloaded. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error(
      `No Chromium at ${process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH}: install Debian's ` +
        '`chromium` package (.ci/run does) or set CHROMIUM_PATH',
    );
  }
  const { default: puppeteer } =
    await importModule<typeof import('puppeteer-core')>('puppeteer-core');
  return puppeteer.launch({
    executablePath,
    headless: true,
    // CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}
