// The project's native addons (C, built into dist/native by `npm run build` against the running Node's
// headers), each loaded once, with one clear error when it was not built.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/ipc/native-addon.js -> dist/native/NAME
const NATIVE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');
const loaded = new Map<string, unknown>();

/** Whether `dist/native/NAME` was built. */
export function nativeAddonBuilt(name: string): boolean {
  return loaded.has(name) || existsSync(join(NATIVE_DIR, name));
}

/** `dist/native/NAME`, loaded the first time it is asked for; throws, saying how to build it, when it is missing. */
export function loadNativeAddon<T>(name: string): T {
  const had = loaded.get(name);
  if (had) return had as T;
  const path = join(NATIVE_DIR, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: build it with npm run build`);
  const addon = createRequire(import.meta.url)(path) as T;
  loaded.set(name, addon);
  return addon;
}
