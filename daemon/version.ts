// The package version, read once from package.json so there is one source of truth.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageJson(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'godel' && pkg.version) return pkg.version;
    } catch {
      continue; // No package.json at this level; look one up.
    }
  }
  throw new Error('cannot find the package.json of godel above ' + fileURLToPath(import.meta.url));
}

export const VERSION = findPackageJson();
