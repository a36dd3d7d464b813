// eslint-disable-next-line no-restricted-imports -- the boundary check reads the source tree
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The HiGHS reference and the random snapshots are for tests and benches only: the build leaves
 * this folder out (tsconfig.build.json), so production code importing it would pull it back in.
 */
describe('libs/matching/src/testing', () => {
  const root = path.resolve(__dirname, '../../../..');
  const testingDir = __dirname;

  function productionFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        return entry.name === 'node_modules' || file === testingDir ? [] : productionFiles(file);
      }
      return entry.name.endsWith('.ts') && !/\.(spec|conformance)\.ts$/.test(entry.name)
        ? [file]
        : [];
    });
  }

  it('is imported by no production code of apps/ or libs/', () => {
    const importers = ['apps', 'libs']
      .flatMap((top) => productionFiles(path.join(root, top)))
      .filter((file) =>
        [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)].some(([, specifier]) =>
          specifier.startsWith('.')
            ? path.resolve(path.dirname(file), specifier).startsWith(testingDir)
            : specifier.includes('matching/src/testing'),
        ),
      )
      .map((file) => path.relative(root, file));
    expect(importers).toEqual([]);
  });
});
