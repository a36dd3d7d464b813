import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where the web console is served: its page, scripts and the vendor modules they import. */
export const CONSOLE_PATH = '/console';

/**
 * The browser modules the console imports (see the import map in console/index.html), served
 * from the installed packages as they are: no bundler, no build step. Only the folder a page
 * needs of each package is exposed.
 */
const VENDOR_FOLDERS: Record<string, string> = {
  'd3-geo': 'dist',
  'd3-array': 'dist',
  'topojson-client': 'src',
  'world-atlas': '.',
  uplot: 'dist',
};

/**
 * The console runs nothing but its own modules and talks only to this origin: no inline script
 * but the page's import map (allowed by its hash), no third-party host, so a key pasted into it
 * cannot be sent anywhere else.
 */
const contentSecurityPolicy = (importMapHash: string) =>
  [
    "default-src 'self'",
    `script-src 'self' '${importMapHash}'`,
    // uPlot positions its cursor and legend with style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

/** The CSP source of the page's inline import map: `sha256-<base64>` of its exact text. */
function importMapHash(indexHtml: string): string {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(indexHtml)?.[1] ?? '';
  return `sha256-${createHash('sha256').update(importMap).digest('base64')}`;
}

/**
 * Serves the web console at /console: static files from the repository's `console` folder and
 * the vendor modules from node_modules. Does nothing when the folder is absent (a trimmed image):
 * /console is then a 404 and the API is unaffected.
 */
export function serveConsole(app: NestFastifyApplication): void {
  const root = consoleRoot();
  if (!root) return;
  const policy = contentSecurityPolicy(
    importMapHash(readFileSync(join(root, 'index.html'), 'utf8')),
  );
  // Headers for the console's files only (the API's answers are JSON, not pages).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      if (request.url === CONSOLE_PATH || request.url.startsWith(`${CONSOLE_PATH}/`)) {
        void reply.header('content-security-policy', policy);
        void reply.header('x-content-type-options', 'nosniff');
        void reply.header('referrer-policy', 'no-referrer');
      }
      return payload;
    });
  // Registered without Nest's router, as /docs is: these are files, not API routes.
  void app.useStaticAssets({
    root,
    // The plugin adds the trailing slash, and redirects /console to /console/.
    prefix: CONSOLE_PATH,
    redirect: true,
    decorateReply: false,
  });
  for (const [name, folder] of Object.entries(VENDOR_FOLDERS)) {
    const packageRoot = packageDirectory(name);
    if (!packageRoot) continue;
    void app.useStaticAssets({
      root: resolve(packageRoot, folder),
      prefix: `${CONSOLE_PATH}/vendor/${name}/`,
      decorateReply: false,
    });
  }
}

/** The `console` folder beside package.json, from the sources or from the compiled dist. */
function consoleRoot(): string | undefined {
  for (let directory = __dirname; ; directory = dirname(directory)) {
    const candidate = join(directory, 'console', 'index.html');
    if (existsSync(candidate)) return dirname(candidate);
    if (dirname(directory) === directory) return undefined;
  }
}

/** An installed package's folder, found as Node would (some export no `package.json`). */
function packageDirectory(name: string): string | undefined {
  const folders = require.resolve.paths(name) ?? [];
  return folders
    .map((folder) => join(folder, name))
    .find((folder) => existsSync(join(folder, 'package.json')));
}
