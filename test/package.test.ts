// The package as shipped, checked offline: the Node.js version gate of bin/, package.json (metadata,
// what is packed, bundled dependencies, install scripts), one esbuild, the GitHub Action (action.yml,
// whose lint step is run here as the runner would) and the recipes of docs/ci.md against what they
// use. The installs themselves: test/install.test.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { REPO } from './helpers.js';

interface PackageJson {
  name: string;
  version: string;
  license: string;
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
  files: string[];
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  bundleDependencies: string[];
  allowScripts: Record<string, boolean>;
}
const PKG = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as PackageJson;
const BIN = path.join(REPO, 'bin', 'keepalived-lint.js');
const GITHUB = 'https://github.com/keepalived-lint/keepalived-lint';

function npm(args: string[]) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return spawnSync('npm', args, { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 });
}

describe('the Node.js version gate', () => {
  // A preloaded script stands in for an older Node: process.versions.node is what bin/ reads.
  const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kl-node-')), 'fake-version.cjs');
  fs.writeFileSync(fake, "Object.defineProperty(process.versions, 'node', { value: process.env.FAKE_NODE });\n");
  const runAs = (version: string, args: string[]) =>
    spawnSync(process.execPath, ['--require', fake, BIN, ...args], {
      env: { ...process.env, FAKE_NODE: version },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it.each(['18.20.8', '20.18.3', '16.0.0'])('refuses Node %s in one line, exit 2', (version) => {
    const r = runAs(version, ['examples/router/etc/keepalived/keepalived.conf']);
    expect(r.stderr).toBe(`keepalived-lint needs Node.js >= 20.19; this is ${version}\n`);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
  });

  it.each(['20.19.0', '22.0.0'])('runs on Node %s', (version) => {
    const r = runAs(version, ['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(PKG.version);
  });

  it('says the version engines says', () => {
    expect(PKG.engines.node).toBe('>=20.19');
  });

  it('checks before anything else loads: no static import, no top-level await in the entry file', () => {
    const code = fs
      .readFileSync(BIN, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|#!)/.test(line))
      .join('\n');
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/^\S.*\bawait\b/m);
    // The rest (bin/run.js, then the bundle) loads after the check.
    expect(code.indexOf("require('./run.js')")).toBeGreaterThan(-1);
    expect(code.indexOf('process.versions.node')).toBeLessThan(code.indexOf("require('./run.js')"));
  });
});

describe('package.json', () => {
  it('has the license, its file and the repository links', () => {
    expect(PKG.license).toBe('MIT');
    const license = fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toContain('Copyright (c) 2026 keepalived-lint contributors');
    expect(PKG.repository.url).toBe(`git+${GITHUB}.git`);
    expect(PKG.homepage).toBe(`${GITHUB}#readme`);
    expect(PKG.bugs.url).toBe(`${GITHUB}/issues`);
  });

  it('bundles every runtime dependency (a global git install loses the ones it installs beside it)', () => {
    expect([...PKG.bundleDependencies].sort()).toEqual(Object.keys(PKG.dependencies).sort());
  });

  it('needs tree-sitter-bash only to build (the .wasm is copied into dist/)', () => {
    expect(PKG.dependencies['tree-sitter-bash']).toBeUndefined();
    expect(PKG.devDependencies['tree-sitter-bash']).toBeDefined();
  });

  it('packs the bundles, their data, the schemas and the bundled dependencies: nothing else', () => {
    const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts']);
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    const own = files.filter((f) => !f.startsWith('node_modules/')).sort();
    expect(own).toEqual([
      'LICENSE',
      'README.md',
      'bin/keepalived-lint.js',
      'bin/load-bundle.js',
      'bin/package.json',
      'bin/run.js',
      'dist/grammar/keepalived.ohm-bundle.js',
      'dist/src/cli/index.bundle.cache',
      'dist/src/cli/index.bundle.cjs',
      'dist/src/cli/lint-worker.bundle.js',
      'dist/src/cli/lsp-thread.bundle.js',
      'dist/src/scripts/tree-sitter-bash.wasm',
      'dist/src/scripts/tree-sitter-bash.wasm.v8cache',
      'dist/src/scripts/web-tree-sitter.wasm',
      'dist/src/scripts/web-tree-sitter.wasm.v8cache',
      'dist/src/versions/keywords.data.json',
      'package.json',
      'schema/graph.schema.json',
      'schema/keepalived-lint.schema.json',
      'schema/report.schema.json',
      'schema/simulate.schema.json',
    ]);
    const bundled = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
    for (const dep of Object.keys(PKG.dependencies)) expect(bundled).toContain(dep);
    expect(bundled).not.toContain('tree-sitter-bash');
  });
});

describe('the installed dependencies', () => {
  it('npm ls --all is clean, with one esbuild', () => {
    const ls = npm(['ls', '--all']);
    expect(ls.stderr).toBe('');
    expect(ls.status).toBe(0);
    const versions = new Set([...ls.stdout.matchAll(/esbuild@(\d[^\s]*)/g)].map((m) => m[1]));
    expect([...versions]).toHaveLength(1);
  });

  it('allowScripts names exactly the installed packages that have install scripts', () => {
    const withScripts = new Set<string>();
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir)) {
        if (e.startsWith('.')) continue;
        if (e.startsWith('@')) {
          walk(path.join(dir, e));
          continue;
        }
        const pkgDir = path.join(dir, e);
        const file = path.join(pkgDir, 'package.json');
        if (!fs.existsSync(file)) continue;
        const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string; scripts?: Record<string, string> };
        const s = p.scripts ?? {};
        // npm runs `node-gyp rebuild` for a package with a binding.gyp and no install script.
        if (s.preinstall || s.install || s.postinstall || fs.existsSync(path.join(pkgDir, 'binding.gyp')))
          withScripts.add(p.name);
        walk(path.join(pkgDir, 'node_modules'));
      }
    };
    walk(path.join(REPO, 'node_modules'));
    expect(Object.keys(PKG.allowScripts).sort()).toEqual([...withScripts].sort());
  });
});

interface ActionStep {
  uses?: string;
  run?: string;
  id?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}
const ACTION_TEXT = fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8');
const ACTION = parseYaml(ACTION_TEXT) as Action;

const major = (uses: string | undefined) => Number(/@v(\d+)$/.exec(uses ?? '')?.[1] ?? 0);

describe('the GitHub Action (action.yml)', () => {
  it('is a composite action with inputs for paths, format, target and the SARIF upload', () => {
    expect(ACTION.runs.using).toBe('composite');
    for (const input of ['paths', 'format', 'target', 'output', 'upload-sarif'])
      expect(ACTION.inputs).toHaveProperty(input);
    expect(ACTION.inputs.format?.default).toBe('sarif');
  });

  it('uses only inputs it declares', () => {
    const used = [...ACTION_TEXT.matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1] ?? '');
    for (const name of used) expect(Object.keys(ACTION.inputs)).toContain(name);
    for (const name of Object.keys(ACTION.inputs)) expect(used).toContain(name);
  });

  it('uses current action versions, builds with npm ci, uploads SARIF even when the lint fails', () => {
    const steps = ACTION.runs.steps;
    expect(major(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.uses)).toBeGreaterThanOrEqual(7);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(major(upload?.uses)).toBeGreaterThanOrEqual(4);
    expect(upload?.if).toMatch(/always\(\)/);
    expect(upload?.if).toMatch(/inputs\.format == 'sarif'/);
    expect(upload?.with?.sarif_file).toBe('${{ inputs.output }}');
    const build = steps.find((s) => s.run?.includes('npm ci'));
    expect(build?.['working-directory']).toBe('${{ github.action_path }}');
  });

  /** The lint step run by bash as the runner runs it: inputs as given or their defaults. */
  function runLintStep(inputs: Record<string, string>, workspace: string) {
    const step = ACTION.runs.steps.find((s) => s.id === 'lint');
    if (!step?.run) throw new Error('no lint step');
    const value = (expr: string) =>
      expr.replace(
        /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g,
        (_, name: string) => inputs[name] ?? ACTION.inputs[name]?.default ?? '',
      );
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = value(v);
    const outputFile = path.join(workspace, '.github-output');
    fs.writeFileSync(outputFile, '');
    env.GITHUB_ACTION_PATH = REPO;
    env.GITHUB_OUTPUT = outputFile;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
      cwd: workspace,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { ...r, outputs: fs.readFileSync(outputFile, 'utf8') };
  }

  function workspace(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-action-'));
    fs.cpSync(path.join(REPO, 'examples', 'router'), path.join(dir, 'router'), { recursive: true });
    return dir;
  }

  it('lint step, defaults: writes the SARIF file the upload step reads, exit code as output', () => {
    const dir = workspace();
    const r = runLintStep({ target: 'bookworm' }, dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.outputs).toBe('exit-code=0\n');
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'keepalived-lint.sarif'), 'utf8')) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.length).toBe(2);
  });

  it('lint step: the target reaches the command (an unknown one is exit 2)', () => {
    const r = runLintStep({ target: 'nosuchdistro' }, workspace());
    expect(r.status).toBe(2);
    expect(r.outputs).toBe('exit-code=2\n');
    expect(r.stderr).toContain('"nosuchdistro"');
  });

  it('lint step: several paths on lines, format github, extra args; fails the step on an error finding', () => {
    const dir = workspace();
    fs.mkdirSync(path.join(dir, 'lb2'));
    fs.writeFileSync(
      path.join(dir, 'lb2', 'keepalived.conf'),
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n    priority 100\n}\n',
    );
    const r = runLintStep(
      { paths: 'router/etc/keepalived/keepalived.conf\nlb2/keepalived.conf', format: 'github', args: '--jobs 1' },
      dir,
    );
    expect(r.status).toBe(1);
    expect(r.outputs).toBe('exit-code=1\n');
    expect(r.stdout).toMatch(/^::error file=lb2\/keepalived\.conf,line=3/m);
    expect(r.stdout).toMatch(/^::warning file=router\/etc\/keepalived\/keepalived\.conf/m);
    expect(fs.existsSync(path.join(dir, 'keepalived-lint.sarif'))).toBe(false);
  });
});

describe('docs/ci.md', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs', 'ci.md'), 'utf8');
  const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

  it('uses the action with inputs it has, and the permissions code scanning needs', () => {
    const uses = yamlBlocks.filter((b) => b.includes('uses: keepalived-lint/keepalived-lint@'));
    expect(uses.length).toBeGreaterThanOrEqual(1);
    for (const block of uses) {
      for (const m of block.matchAll(
        /uses: keepalived-lint\/keepalived-lint@\S+\n\s+with:\n((?:\s+#?\s*[\w-]+:.*\n)+)/g,
      )) {
        for (const key of (m[1] ?? '').matchAll(/^\s+#?\s*([\w-]+):/gm))
          expect(ACTION.inputs).toHaveProperty(key[1] ?? '');
      }
    }
    const workflow = parseYaml(uses[0] ?? '') as { permissions: Record<string, string> };
    expect(workflow.permissions).toMatchObject({ 'security-events': 'write', actions: 'read', contents: 'read' });
    for (const m of doc.matchAll(/uses: (actions\/[\w-]+|github\/codeql-action\/[\w-]+)@v(\d+)/g)) {
      const min = m[1]?.startsWith('github/codeql-action') ? 4 : 7;
      expect(Number(m[2]), m[0]).toBeGreaterThanOrEqual(min);
    }
    expect(doc).toMatch(/[Pp]rivate repositor/);
  });

  it('installs in GitLab CI the way test/install.test.ts does (git URL, global), on a supported Node', () => {
    const gitlab = yamlBlocks.find((b) => b.includes('.gitlab-ci.yml'));
    const job = (parseYaml(gitlab ?? '') as Record<string, { image: string; script: string[] }>)['keepalived-lint'];
    expect(Number(/^node:(\d+)/.exec(job?.image ?? '')?.[1])).toBeGreaterThanOrEqual(22);
    expect(job?.script[0]).toMatch(
      /^npm install -g "git\+https:\/\/github\.com\/keepalived-lint\/keepalived-lint\.git#v\d+\.\d+\.\d+"$/,
    );
    expect(job?.script[1]).toMatch(/^keepalived-lint .* --format junit --output keepalived-lint\.xml$/);
  });

  it('posts the diff comment with gh from a markdown diff of the base, allowed to comment', () => {
    const block = yamlBlocks.find((b) => b.includes('keepalived-diff.yml'));
    const wf = parseYaml(block ?? '') as {
      permissions: Record<string, string>;
      jobs: { diff: { steps: { run?: string; with?: Record<string, unknown> }[] } };
    };
    expect(wf.permissions).toMatchObject({ contents: 'read', 'pull-requests': 'write' });
    const runs = wf.jobs.diff.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/^keepalived-lint diff --git "origin\/\$BASE" .*--format markdown > diff\.md$/m);
    expect(runs).toMatch(/^gh pr comment "\$PR" --body-file diff\.md/m);
    expect(wf.jobs.diff.steps[0]?.with).toMatchObject({ 'fetch-depth': 0 });
  });

  it('points pre-commit at this repository and at hooks that exist', () => {
    const precommit = yamlBlocks.find((b) => b.includes('.pre-commit-config.yaml'));
    const config = parseYaml(precommit ?? '') as { repos: { repo: string; hooks: { id: string }[] }[] };
    const hooks = parseAllDocuments(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8'))
      .flatMap((d) => d.toJS() as { id: string; language: string }[])
      .filter(Boolean);
    expect(config.repos[0]?.repo).toBe(GITHUB);
    for (const h of config.repos[0]?.hooks ?? []) expect(hooks.map((x) => x.id)).toContain(h.id);
    for (const h of hooks) expect(h.language).toBe('node');
  });
});
