/**
 * `.keepalived-lint.yaml`: found by walking up from each linted file (or given with --config),
 * validated against schema/keepalived-lint.schema.json with ajv, every error at its key's
 * line:column (yaml's LineCounter). Resolved per linted file: top-level settings, then each
 * `overrides` entry whose `files` globs match, command-line options last. Example:
 *
 *   target: bookworm
 *   paths: { "/etc/keepalived/": "hosts/{host}/keepalived/" }
 *   rules: { unicast-without-peers: off }
 *   -> for hosts/lb1/keepalived/keepalived.conf: target bookworm, /etc/keepalived/x.sh read from
 *      hosts/lb1/keepalived/x.sh, unicast-without-peers off
 *
 * The file is as hostile as the repository holding it (its home: the git repository, else its
 * own folder). It is not read when it is a symbolic link out of its home; its `root:` and each
 * `paths:` target must lie inside its home (by path and by real path), else a problem at that
 * key; a bound `{host}` must be a plain name. Each mapping carries `within: home`, so the file
 * host (src/source/confine.ts) reads through it only while its real path stays there. Example:
 *   root: ../..   in /ci/repo/.keepalived-lint.yaml
 * -> .keepalived-lint.yaml:1:7: error: root "../.." is outside the repository /ci/repo holding this configuration
 * file; not used
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import picomatch from 'picomatch';
import type { Document, LineCounter } from 'yaml';
import type { RuleMeta, SeveritySetting } from '../rule-api/index.js';
import { isInside, realResolver, refusal, repositoryOf } from '../source/confine.js';
import type { FileHost } from '../source/host.js';
import type { PathMapping } from '../source/paths.js';
import { checkedTarget, distroNames, outsideRangeNote, resolveTargetName } from '../versions/distros.js';
import { closestName } from '../versions/suggest.js';

/** What a rule's setting may be, here and in --rule, from silent to failing. */
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

export const CONFIG_NAMES = ['.keepalived-lint.yaml', '.keepalived-lint.yml'];

type RuleSetting = SeveritySetting | { severity?: SeveritySetting; options?: Record<string, unknown> };

interface Settings {
  target?: string;
  root?: string;
  paths?: Record<string, string>;
  systemPaths?: string[];
  configIds?: string[];
  rules?: Record<string, RuleSetting>;
}

interface ConfigData extends Settings {
  ignore?: string[];
  overrides?: (Settings & { files: string | string[] })[];
  clusters?: { name?: string; files: string | string[]; configIds?: string[] }[];
}

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface LoadedConfig {
  file: string;
  dir: string;
  /** The folder its root and paths must lie in: its git repository, else its own folder. */
  home: string;
  data: ConfigData;
  /** What is used but said (a target outside the releases known), at its value. */
  warnings?: ConfigProblem[];
}

/** What one linted file gets: the engine's options, before the command line has its say. */
export interface EffectiveOptions {
  configFile: string | null;
  ignored: boolean;
  target?: string;
  root?: string;
  paths?: PathMapping[];
  /** `systemPaths:` (router folders, absolute): replaces SYSTEM_PATHS (src/source/paths.ts). */
  systemPaths?: string[];
  configIds?: string[];
  severities: Record<string, SeveritySetting>;
  ruleOptions: Record<string, Record<string, unknown>>;
  /** The `clusters:` entry the file is a node of (the first whose globs match). */
  cluster?: { name: string; configIds?: string[] };
}

/** The schema ships with the package (schema/), two or three folders above this module (src/ or dist/src/). */
function packageFile(rel: string): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, rel))) return path.join(dir, rel);
    if (dir === path.dirname(dir)) throw new Error(`${rel} not found: the package is incomplete`);
  }
}

export const SCHEMA_FILE = packageFile('schema/keepalived-lint.schema.json');

/** yaml loads with the first configuration file: a run without one never reads its ~70 modules. */
function yaml(): typeof import('yaml') {
  return createRequire(import.meta.url)('yaml') as typeof import('yaml');
}

// ajv and the compiled schema load on the first configuration file only: ~100 ms that a run
// without one does not pay.
let ajvInstance: AjvClass | null = null;
let validateSchema: ValidateFunction | null = null;
function validator(): { ajv: AjvClass; validate: ValidateFunction } {
  if (!ajvInstance || !validateSchema) {
    const mod = createRequire(import.meta.url)('ajv') as { default: typeof AjvClass };
    // verbose: each error carries the value and its schema (the did-you-mean reads both).
    const ajv = new mod.default({ allErrors: true, strict: false, verbose: true });
    ajvInstance = ajv;
    validateSchema = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>);
    return { ajv, validate: validateSchema };
  }
  return { ajv: ajvInstance, validate: validateSchema };
}

/** The nearest config file in the folder of `file` or above it. */
export function findConfigFile(file: string, host: FileHost): string | null {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const candidate = path.join(dir, name);
      if (host.stat(candidate).kind === 'file') return candidate;
    }
    if (dir === path.dirname(dir)) return null;
  }
}

export function loadConfig(
  file: string,
  host: FileHost,
  rules: readonly { meta: RuleMeta }[],
): LoadedConfig | { problems: ConfigProblem[] } {
  const dir = path.dirname(file);
  const repo = repositoryOf(file, host);
  const home = repo ?? dir;
  const homeName = repo !== null ? `the repository ${home}` : `the folder ${home}`;
  const real = realResolver(host);
  const realHome = real(home);
  const realFile = real(file);
  if (!isInside(realFile, realHome) || refusal(realFile, { folders: null })) {
    return {
      problems: [
        {
          file,
          line: 1,
          column: 1,
          message: `the configuration file is a symbolic link to ${realFile}, outside ${homeName} holding it; not read`,
        },
      ],
    };
  }
  /** `p` (relative to the file's folder) lies inside its home, by path and by real path. */
  const atHome = (p: string) => {
    const abs = path.resolve(dir, p);
    return isInside(abs, home) && isInside(real(abs), realHome);
  };
  const r = host.readText(file);
  if (!r.ok)
    return { problems: [{ file, line: 1, column: 1, message: `cannot read the configuration file: ${r.reason}` }] };
  const { LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(r.text, { lineCounter: lc, prettyErrors: false });
  const problems: ConfigProblem[] = doc.errors.map((e) => ({
    file,
    ...toPos(lc, e.pos[0]),
    message: `invalid YAML: ${e.message.split('\n')[0]}`,
  }));
  if (problems.length) return { problems };
  const data = (doc.toJS() ?? {}) as unknown;
  const { ajv, validate: validateSchema } = validator();
  // Every problem in one pass: the schema's, then what the schema cannot know (rule ids, targets,
  // folders) wherever the value has the shape to be checked, so a fix never uncovers more.
  if (!validateSchema(data))
    for (const e of simplify(validateSchema.errors ?? []))
      problems.push({ file, ...position(doc, lc, e), message: describe(e) });
  if (!isRecord(data)) return { problems: byPosition(problems) };
  const cfg = data as ConfigData;
  const ids = [...rules.map((x) => x.meta.id)].sort();
  const warnings: ConfigProblem[] = [];
  const check = (settings: Settings, base: (string | number)[]) => {
    const rangeNote = typeof settings.target === 'string' ? outsideRangeNote(settings.target) : null;
    if (rangeNote)
      warnings.push({ file, ...nodePosition(doc, lc, [...base, 'target']), message: `target ${rangeNote}` });
    if (typeof settings.target === 'string' && !resolveTargetName(settings.target)) {
      problems.push({
        file,
        ...nodePosition(doc, lc, [...base, 'target']),
        message:
          `"${settings.target}" is neither a keepalived version such as 2.2.7 nor a distribution such as bookworm` +
          suggestion(settings.target, distroNames()),
      });
    }
    for (const [id, setting] of Object.entries(isRecord(settings.rules) ? settings.rules : {})) {
      if (!ids.includes(id)) {
        problems.push({
          file,
          ...nodePosition(doc, lc, [...base, 'rules', id], true),
          message: `unknown rule "${id}"${suggestion(id, ids)} (keepalived-lint rules lists them)`,
        });
        continue;
      }
      const options = isRecord(setting) ? setting.options : undefined;
      if (!isRecord(options)) continue;
      const ruleSchema = rules.find((x) => x.meta.id === id)!.meta.schema;
      if (!ruleSchema) {
        problems.push({
          file,
          ...nodePosition(doc, lc, [...base, 'rules', id, 'options'], true),
          message: `rule "${id}" takes no options`,
        });
        continue;
      }
      const v = ajv.compile(ruleSchema);
      if (!v(options))
        for (const e of simplify(v.errors ?? []))
          problems.push({
            file,
            ...nodePosition(doc, lc, [...base, 'rules', id, 'options', ...pointer(e.instancePath)]),
            message: `options of ${id}: ${describe(e)}`,
          });
    }
    if (typeof settings.root === 'string' && !atHome(settings.root)) {
      problems.push({
        file,
        ...nodePosition(doc, lc, [...base, 'root']),
        message:
          `root "${settings.root}" is outside ${homeName} holding ` +
          `this configuration file; not used (give --root on the ` +
          `command line for a folder elsewhere)`,
      });
    }
    for (const [from, to] of Object.entries(isRecord(settings.paths) ? settings.paths : {})) {
      if (typeof to !== 'string') continue;
      if (from.endsWith('/') !== to.endsWith('/')) {
        problems.push({
          file,
          ...nodePosition(doc, lc, [...base, 'paths', from]),
          message: `"${from}" and "${to}" must both end with "/" (folders) or both not (files)`,
        });
      }
      // The fixed part before the first {name}, and the whole with a plain name for each {name}.
      const fixed = to
        .split('/')
        .slice(
          0,
          Math.max(
            0,
            to.split('/').findIndex((s) => /\{\w+\}/.test(s)),
          ),
        )
        .join('/');
      if (!atHome(to.replace(/\{\w+\}/g, 'x')) || (/\{\w+\}/.test(to) && !atHome(fixed || '.'))) {
        problems.push({
          file,
          ...nodePosition(doc, lc, [...base, 'paths', from]),
          message: `"${from}" maps to "${to}", outside ${homeName} holding this configuration file; not used`,
        });
      }
    }
  };
  check(cfg, []);
  if (Array.isArray(cfg.overrides)) cfg.overrides.forEach((o, i) => isRecord(o) && check(o, ['overrides', i]));
  if (problems.length) return { problems: byPosition(problems) };
  return { file, dir, home, data: cfg, ...(warnings.length ? { warnings: byPosition(warnings) } : {}) };
}

/** The options for one linted file. */
export function resolveFor(file: string, cfg: LoadedConfig | null): EffectiveOptions {
  const out: EffectiveOptions = { configFile: cfg?.file ?? null, ignored: false, severities: {}, ruleOptions: {} };
  if (!cfg) return out;
  const rel = path.relative(cfg.dir, file).split(path.sep).join('/');
  const matches = (globs: string | string[]) => [globs].flat().some((g) => picomatch(g, { dot: true })(rel));
  out.ignored = !rel.startsWith('..') && matches(cfg.data.ignore ?? []) && (cfg.data.ignore ?? []).length > 0;
  const apply = (s: Settings) => {
    if (s.target !== undefined) out.target = checkedTarget(s.target);
    if (s.root !== undefined) out.root = path.resolve(cfg.dir, s.root);
    if (s.configIds !== undefined) out.configIds = s.configIds;
    if (s.paths !== undefined) out.paths = bindPaths(s.paths, cfg.dir, rel, cfg.home);
    if (s.systemPaths !== undefined) out.systemPaths = s.systemPaths;
    for (const [id, setting] of Object.entries(s.rules ?? {})) {
      const severity = typeof setting === 'string' ? setting : setting.severity;
      if (severity !== undefined) out.severities[id] = severity;
      if (typeof setting === 'object' && setting.options) out.ruleOptions[id] = setting.options;
    }
  };
  apply(cfg.data);
  for (const o of cfg.data.overrides ?? []) if (matches(o.files)) apply(o);
  const i = (cfg.data.clusters ?? []).findIndex((c) => matches(c.files));
  const c = cfg.data.clusters?.[i];
  if (c) out.cluster = { name: c.name ?? `cluster ${i + 1}`, ...(c.configIds ? { configIds: c.configIds } : {}) };
  return out;
}

/**
 * `"/etc/keepalived/": "hosts/{host}/keepalived/"` for hosts/lb1/keepalived/keepalived.conf:
 * {host} takes the segment the linted file has there (lb1). A mapping whose pattern the file does
 * not match does not apply to it.
 */
function bindPaths(paths: Record<string, string>, dir: string, rel: string, home: string): PathMapping[] {
  const out: PathMapping[] = [];
  for (const [from, to] of Object.entries(paths)) {
    let target = to;
    if (/\{\w+\}/.test(to)) {
      const names: string[] = [];
      const re = new RegExp(
        '^' +
          to
            .replace(/\/$/, '')
            .split(/(\{\w+\})/)
            .map((part) => {
              const m = /^\{(\w+)\}$/.exec(part);
              if (m) {
                names.push(m[1]!);
                return '([^/]+)';
              }
              return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            })
            .join('') +
          '(/|$)',
      );
      const m = re.exec(rel);
      // `{host}` stands for one folder name: never `.` or `..` (a linted file outside the folder).
      if (!m || m.slice(1).some((v) => v === '.' || v === '..')) continue;
      target = to.replace(/\{(\w+)\}/g, (_, n: string) => m[names.indexOf(n) + 1] ?? '');
    }
    const abs = path.resolve(dir, target) + (target.endsWith('/') ? '/' : '');
    out.push({ from, to: abs, within: home });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** In the order of the file (then of the message): what an editor and a reader go through. */
function byPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : 1));
}

/** `; did you mean "x"?`, or '' when no candidate is near. */
function suggestion(value: string, candidates: readonly string[]): string {
  const near = closestName(value, candidates);
  return near === undefined ? '' : `; did you mean "${near}"?`;
}

function pointer(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** ajv reports every branch of a oneOf; keep one message per place, the most telling. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  const rank = (e: ErrorObject) =>
    e.keyword === 'additionalProperties' ? 0 : e.keyword === 'enum' ? 1 : e.keyword === 'oneOf' ? 3 : 2;
  for (const e of errors) {
    const key =
      e.instancePath + (e.keyword === 'additionalProperties' ? `/${String(e.params.additionalProperty)}` : '');
    const seen = byPath.get(key);
    if (!seen || rank(e) < rank(seen)) byPath.set(key, e);
  }
  // A value with an error inside it took the object branch of its oneOf: the other branch's
  // complaint about it ("must be one of off, info, ...") is noise.
  const keys = [...byPath.keys()];
  for (const [key, e] of byPath)
    if (['enum', 'oneOf', 'type'].includes(e.keyword) && keys.some((k) => k.startsWith(`${key}/`))) byPath.delete(key);
  return [...byPath.values()];
}

function describe(e: ErrorObject): string {
  const where = e.instancePath ? `"${pointer(e.instancePath).join('.')}"` : 'the top level';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `unknown key "${key}" in ${where}${suggestion(key, known)}`;
    }
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? suggestion(e.data, allowed) : '';
      return `${where} must be one of ${allowed.join(', ')}${hint}`;
    }
    case 'oneOf':
      return (
        `${where} must be a severity (off, info, warning, error) ` +
        `or {severity, options}${where.includes('files') ? ', or for files a glob or a list of globs' : ''}` +
        (typeof e.data === 'string' ? suggestion(e.data, SEVERITY_SETTINGS) : '')
      );
    case 'propertyNames':
      return `${where}: a router path must start with "/"`;
    case 'required':
      return `${where} needs "${String(e.params.missingProperty)}"`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}

function position(doc: Document, lc: LineCounter, e: ErrorObject): { line: number; column: number } {
  const p = pointer(e.instancePath);
  if (e.keyword === 'additionalProperties')
    return nodePosition(doc, lc, [...p, String(e.params.additionalProperty)], true);
  return nodePosition(doc, lc, p);
}

/** line:column of the value at `p` (or of its key), falling back to the nearest node that exists. */
function nodePosition(
  doc: Document,
  lc: LineCounter,
  p: (string | number)[],
  key = false,
): { line: number; column: number } {
  for (let n = p.length; n >= 0; n--) {
    const parent = n > 0 ? doc.getIn(p.slice(0, n - 1), true) : null;
    const { isMap, isScalar } = yaml();
    if (key && n === p.length && isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === p[n - 1]);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return toPos(lc, range[0]);
    }
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return toPos(lc, range[0]);
  }
  return { line: 1, column: 1 };
}

function toPos(lc: LineCounter, offset: number): { line: number; column: number } {
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}
