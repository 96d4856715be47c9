/**
 * Node's own modules that a lint rarely needs, loaded on first use (issue 16, start-up): node:crypto
 * alone brings 15 internal modules, ~5 ms of every run, and only the cache, SARIF fingerprints,
 * the diff hook and atomic output files use it. Example: crypto().createHash('sha256').
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const crypto = (): typeof import('node:crypto') => load('node:crypto') as typeof import('node:crypto');
