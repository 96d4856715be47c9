// The command as installed: bin/keepalived-lint.js runs the bundled build (dist/src/cli/*.bundle.*,
// made by `npm run build`, which `npm test` runs first). The other tests import the TypeScript
// sources, so this is where a bundling mistake (a path found from import.meta.url, a module left
// out, the worker bundle) shows.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_WASM_SERIALIZER, probeLines, REPO, tempTree, wasmProbe } from './helpers.js';

const BIN = path.join(REPO, 'bin', 'keepalived-lint.js');
const run = (args: string[], cwd = REPO) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

const wasmLines = (stderr: string) => probeLines(stderr, 'wasm');

/** The main thread's probe lines for a lint that parses scripts: both modules from the build's code. */
const mainThreadWasm = () => [
  ...(HAS_WASM_SERIALIZER ? [] : ['wasm compile 0', 'wasm compile 0']),
  'wasm instantiate 0',
  'wasm instantiate 0',
];

describe('the built command', () => {
  it('is built (npm run build)', () => {
    expect(fs.existsSync(path.join(REPO, 'dist', 'src', 'cli', 'index.bundle.cjs'))).toBe(true);
    expect(fs.existsSync(path.join(REPO, 'dist', 'src', 'cli', 'index.bundle.cache'))).toBe(true);
    expect(fs.existsSync(path.join(REPO, 'dist', 'src', 'cli', 'lint-worker.bundle.js'))).toBe(true);
  });

  it('lints the README example: 2 warnings, exit 0', () => {
    const r = run(['examples/router/etc/keepalived/keepalived.conf', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ids = (JSON.parse(r.stdout) as { results: { diagnostics: { ruleId: string }[] }[] }).results.flatMap((x) =>
      x.diagnostics.map((d) => d.ruleId),
    );
    expect(ids.sort()).toEqual(['deprecated-keyword', 'invalid-value']);
  });

  it('reads ~SEQ lines (the grammar), a configuration file (yaml, ajv) and scripts (tree-sitter)', () => {
    const { dir, write } = tempTree('kl-bin-');
    write('.keepalived-lint.yaml', 'target: bookworm\nrules:\n  unknown-keyword: warning\n  nosuchrule: off\n');
    write('etc/keepalived/notify.sh', '#!/bin/sh\ncase "$2" in\n  VI_OLD) exit 0 ;;\nesac\n', 0o755);
    write(
      'etc/keepalived/keepalived.conf',
      'global_defs {\n    enable_script_security\n}\n~SEQ(N,1,2) ' +
        '$X=VI_$N\nvrrp_instance VI_1 {\n    interface eth0\n    ' +
        'virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n     ' +
        '   192.0.2.1\n    }\n    notify /etc/keepalived/notify.sh\n}\n',
    );
    const r = run(['etc/keepalived/keepalived.conf', '--format', 'json'], dir);
    // The unknown rule in the configuration file is an error of that file (ajv ran).
    expect(r.stderr).toMatch(/\.keepalived-lint\.yaml:4:3: error: .*nosuchrule/);
    expect(r.status).toBe(2);
    write('.keepalived-lint.yaml', 'target: bookworm\n');
    const ok = run(['etc/keepalived/keepalived.conf', '--format', 'json'], dir);
    const ids = (JSON.parse(ok.stdout) as { results: { diagnostics: { ruleId: string }[] }[] }).results.flatMap((x) =>
      x.diagnostics.map((d) => d.ruleId),
    );
    expect(ids).toContain('script-unknown-name');
  });

  it('lints on its worker threads the same as on one thread', () => {
    const { dir, write } = tempTree('kl-bin-jobs-');
    for (let h = 1; h <= 5; h++)
      write(
        `lb${h}/keepalived.conf`,
        `vrrp_instance VI_${h} {\n    interface eth0\n    virtual_router_id ${h}\n    priorty 100\n}\n`,
      );
    const one = run(['.', '--jobs', '1', '--format', 'json'], dir);
    const two = run(['.', '--jobs', '2', '--format', 'json'], dir);
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    expect(two.stderr).toBe('');
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout).toContain('priorty');
  });

  it('starts its worker threads with the shell parser the main thread has (none compiles it)', () => {
    const { dir, write } = tempTree('kl-bin-jobs-wasm-');
    for (let h = 1; h <= 6; h++) {
      write(`h${h}/etc/keepalived/notify.sh`, `#!/bin/sh\ncase "$2" in\n  VI_${h}) exit 0 ;;\nesac\n`, 0o755);
      write(
        `h${h}/etc/keepalived/keepalived.conf`,
        `vrrp_instance VI_${h} {\n    interface eth0\n    virtual_router_id ${h}\n    priority 100\n` +
          `    notify /etc/keepalived/notify.sh\n}\n`,
      );
    }
    const lint = (jobs: string) =>
      spawnSync(process.execPath, ['-r', wasmProbe(), BIN, '.', '--jobs', jobs, '--format', 'json'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const one = lint('1');
    const three = lint('3');
    expect(three.stdout).toBe(one.stdout);
    expect(JSON.parse(one.stdout).results).toHaveLength(6);
    expect(wasmLines(one.stderr)).toEqual(mainThreadWasm());
    // Each thread that parsed a script instantiated both modules; no worker compiled one, and only the
    // main thread read the build's code (the workers took its modules).
    const lines = wasmLines(three.stderr);
    expect(lines.filter((l) => l.startsWith('wasm compile') && !l.endsWith(' 0'))).toEqual([]);
    expect(new Set(probeLines(three.stderr, 'v8cache').map((l) => l.split(' ')[1]))).toEqual(new Set(['0']));
    const workers = [...new Set(lines.map((l) => l.split(' ')[2]))].filter((t) => t !== '0');
    expect(workers.length).toBeGreaterThan(0);
    // Each worker sets bin/run.js's late flags again (its start put one back to V8's default).
    const flags = probeLines(three.stderr, 'v8flag');
    const main = flags.filter((l) => l.startsWith('v8flag 0 ')).map((l) => l.slice('v8flag 0 '.length));
    expect(main).toContain('--semi-space-growth-factor=1');
    for (const t of workers) {
      const mine = flags.filter((l) => l.startsWith(`v8flag ${t} `)).map((l) => l.slice(`v8flag ${t} `.length));
      expect(mine).toEqual(main.filter((f) => f !== '--liftoff-only' && f !== '--allow-natives-syntax').sort());
    }
  });

  it("hands V8 the build's code cache, which this Node.js takes (the flags bin/run.js sets included)", () => {
    // The real entry, with vm.Script watched: bin/run.js sets V8 flags, and V8 refuses a cache
    // made under other flags than those in force when the bundle is compiled.
    const { write } = tempTree('kl-bin-probe-');
    const probe = write(
      'probe.cjs',
      "const vm = require('node:vm'); const S = vm.Script;\n" +
        'vm.Script = class extends S { constructor(source, options) { super(source, options);\n' +
        '  if (options && options.cachedData)\n' +
        "    process.on('exit', () => process.stderr.write(`rejected=${this.cachedDataRejected}\\n`)); } };\n",
    );
    const example = path.join(REPO, 'examples/router/etc/keepalived/keepalived.conf');
    const r = spawnSync(process.execPath, ['-r', probe, path.join(REPO, 'bin', 'keepalived-lint.js'), example], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('rejected=false\n');
  });

  it('runs the same without the code cache and with a cache that does not fit (V8 compiles as usual)', () => {
    const example = path.join(REPO, 'examples/router/etc/keepalived/keepalived.conf');
    const want = run([example, '--format', 'json']);
    expect(want.status).toBe(0);
    const { dir } = tempTree('kl-bin-cache-');
    for (const f of ['bin', 'dist', 'schema', 'package.json'])
      fs.cpSync(path.join(REPO, f), path.join(dir, f), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    const cache = path.join(dir, 'dist', 'src', 'cli', 'index.bundle.cache');
    const copy = () =>
      spawnSync(process.execPath, [path.join(dir, 'bin', 'keepalived-lint.js'), example, '--format', 'json'], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
      });
    fs.writeFileSync(cache, Buffer.alloc(4096, 7));
    const stale = copy();
    expect([stale.status, stale.stderr, stale.stdout]).toEqual([0, '', want.stdout]);
    fs.rmSync(cache);
    const none = copy();
    expect([none.status, none.stderr, none.stdout]).toEqual([0, '', want.stdout]);
    // A bundle of another build (one that is not the function bin/load-bundle.js calls, as before
    // the wrapper went into the file): one line saying what to do, exit 2, no stack trace.
    const bundle = path.join(dir, 'dist', 'src', 'cli', 'index.bundle.cjs');
    fs.writeFileSync(bundle, 'module.exports = {};\n');
    const other = copy();
    expect([other.status, other.stdout]).toEqual([2, '']);
    expect(other.stderr).toBe(
      `keepalived-lint: cannot start: ${bundle} is not a build of this version (npm run build)\n`,
    );
  });

  it.skipIf(!HAS_WASM_SERIALIZER)(
    "hands V8 the shell parser the build compiled, which this Node.js takes (bin/run.js's flags)",
    () => {
      for (const f of ['web-tree-sitter.wasm', 'tree-sitter-bash.wasm'])
        expect(fs.existsSync(path.join(REPO, 'dist', 'src', 'scripts', `${f}.v8cache`))).toBe(true);
      const example = path.join(REPO, 'examples/router/etc/keepalived/keepalived.conf');
      const r = spawnSync(process.execPath, ['-r', wasmProbe(), BIN, example], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 60_000,
      });
      // Both modules instantiated (the example's scripts were parsed), neither compiled here.
      expect([r.status, wasmLines(r.stderr)]).toEqual([0, ['wasm instantiate 0', 'wasm instantiate 0']]);
    },
  );

  it('parses scripts the same when the compiled shell parser does not fit (short, damaged, stale, other flags)', () => {
    const fixture = path.join(REPO, 'fixtures', 'script-unknown-name', 'invalid');
    const configs = fs.readdirSync(fixture).filter((f) => f.endsWith('.conf'));
    expect(configs.length).toBeGreaterThan(20);
    const { dir } = tempTree('kl-bin-wasm-');
    for (const f of ['bin', 'dist', 'schema', 'package.json'])
      fs.cpSync(path.join(REPO, f), path.join(dir, f), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    const lint = (nodeFlags: string[] = []) =>
      spawnSync(
        process.execPath,
        [...nodeFlags, '-r', wasmProbe(), path.join(dir, 'bin', 'keepalived-lint.js'), ...configs, '--root', '.'],
        { cwd: fixture, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 },
      );
    const want = lint();
    expect(want.status).toBe(1);
    expect(want.stdout).toContain('script-unknown-name');
    const scripts = path.join(dir, 'dist', 'src', 'scripts');
    const bash = path.join(scripts, 'tree-sitter-bash.wasm');
    const cache = `${bash}.v8cache`;
    const original = { wasm: fs.readFileSync(bash), cache: fs.readFileSync(cache) };
    const instantiated = ['wasm instantiate 0', 'wasm instantiate 0'];
    expect(wasmLines(want.stderr)).toEqual(mainThreadWasm());
    if (!HAS_WASM_SERIALIZER) return;
    /** The lint with the bash grammar's files changed: the same findings, and `compiled` modules compiled here. */
    const same = (change: () => void, compiled: number, nodeFlags: string[] = []) => {
      fs.writeFileSync(bash, original.wasm);
      fs.writeFileSync(cache, original.cache);
      change();
      const r = lint(nodeFlags);
      expect([r.status, wasmLines(r.stderr), r.stdout]).toEqual([
        1,
        [...Array(compiled).fill('wasm compile 0'), ...instantiated],
        want.stdout,
      ]);
    };
    // V8's own check: code made under other flags (here a heap limit) is refused.
    same(() => {}, 2, ['--max-old-space-size=3000']);
    // Cut short; not ours; another Node.js (the tag names V8's version); damaged (V8 would crash on it).
    same(() => fs.writeFileSync(cache, original.cache.subarray(0, original.cache.length - 1)), 1);
    same(() => fs.writeFileSync(cache, Buffer.concat([Buffer.from('XXXX'), original.cache.subarray(4)])), 1);
    same(() => fs.writeFileSync(cache, Buffer.from(original.cache).fill(0x30, 28, 30)), 1);
    same(() => {
      const damaged = Buffer.from(original.cache);
      damaged.fill(0, damaged.length >> 1, (damaged.length >> 1) + 184);
      fs.writeFileSync(cache, damaged);
    }, 1);
    // The .wasm changed after the build (a custom section added: still a valid module): compiled as it is.
    same(() => fs.appendFileSync(bash, Buffer.from([0, 4, 3, 0x6b, 0x6c, 0x77])), 1);
    same(() => {
      for (const f of fs.readdirSync(scripts)) if (f.endsWith('.v8cache')) fs.rmSync(path.join(scripts, f));
    }, 2);
  });

  it('lints without loading node:child_process, node:worker_threads or node:crypto (loaded on first use)', () => {
    const script = `
      const { main } = require('./bin/load-bundle.js').loadBundle().exports;
      const io = { stdout: () => {}, stderr: (s) => process.stderr.write(s), cwd: process.cwd(), env: {},
        isTTY: false };
      main(['examples/router/etc/keepalived/keepalived.conf', '--format', 'json'], io).then((code) => {
        const lazy = /^NativeModule (child_process|worker_threads|crypto)$/;
        const loaded = process.moduleLoadList.filter((m) => lazy.test(m));
        console.log(JSON.stringify({ code, loaded }));
      });`;
    // From standard input, not -e: Node loads node:crypto for -e itself.
    const r = spawnSync(process.execPath, ['-'], { cwd: REPO, encoding: 'utf8', timeout: 60_000, input: script });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ code: 0, loaded: [] });
  });
});
