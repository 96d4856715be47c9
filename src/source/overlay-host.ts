/**
 * A FileHost that serves some files from memory and delegates everything else, for a config read
 * from standard input: `keepalived-lint - --stdin-filename hosts/lb7/keepalived.conf` lints the
 * piped text as if it were that file, so its includes and scripts resolve next to it and findings
 * carry its name. Example:
 *   overlayHost(nodeHost(cwd), new Map([['/repo/k.conf', 'vrrp_instance A {\n}\n']])).readText('/repo/k.conf')
 *   -> { ok: true, text: 'vrrp_instance A {\n}\n', encoding: 'utf8' }
 * The file on disk under that name, if any, is never read.
 */
import * as path from 'node:path';
import { byteOrder, type FileHost, type TextEncoding } from './host.js';

/** A file's text; a bare string is UTF-8. */
export type OverlayText = string | { text: string; encoding: TextEncoding };

export function overlayHost(base: FileHost, files: ReadonlyMap<string, OverlayText>): FileHost {
  // A file is known by its path as given and, once its folder's symbolic links are resolved, by
  // that path too (the engine compares real paths to find include loops and duplicates).
  const byPath = new Map<string, { text: string; encoding: TextEncoding }>();
  for (const [file, given] of files) {
    const text = typeof given === 'string' ? { text: given, encoding: 'utf8' as const } : given;
    byPath.set(file, text);
    byPath.set(path.join(base.realpath(path.dirname(file)), path.basename(file)), text);
  }
  return {
    readText(file) {
      const known = byPath.get(file);
      return known !== undefined ? { ok: true, ...known } : base.readText(file);
    },
    stat(file) {
      return byPath.has(file) ? { kind: 'file', executable: false, mode: 0o644 } : base.stat(file);
    },
    list(dir) {
      const names = new Set(base.list(dir));
      for (const file of byPath.keys()) if (path.dirname(file) === dir) names.add(path.basename(file));
      return [...names].sort(byteOrder);
    },
    realpath(file) {
      return byPath.has(file) ? path.join(base.realpath(path.dirname(file)), path.basename(file)) : base.realpath(file);
    },
    cwd: () => base.cwd(),
  };
}
