/**
 * The command line, as a function: main(argv, io) -> exit code. No process globals here; bin/
 * passes them in. Example: main(['lint', 'keepalived.conf', '--format', 'json'], io) -> 1.
 */
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { countBySeverity, type SeveritySetting } from '../engine/index.js';
import type { RuleMeta } from '../engine/types.js';
import { escapeControl, formatters, shownPath } from '../format/index.js';
import { nodeHost, type FileHost } from '../source/host.js';
import { allRules, rules } from '../../rules/index.js';
import type { DiffCommandOptions } from './diff-command.js';
import { effectiveFor, lintPlanned, toLintOptions, type CliLintOptions } from './lint-plan.js';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import { Loader, OptionsResolver } from '../load/index.js';
import { findConfigs, skippedNote } from './find-configs.js';
import { checkedNote, ignoredNote, lintScriptsAlone, uncheckedNote } from './script-alone.js';
import {
  errorsOnly,
  maxWarningsMessage,
  parseJobs,
  parseMaxWarnings,
  parseRuleSetting,
  writeReport,
} from './report-options.js';
import { withStdin } from './stdin.js';
import { packageLinks, parseRuleUrlBase } from './package-info.js';
import { DOCS_BASE_URL, ruleDocsUrl } from '../format/common.js';
import { MIN_CORES_FOR_WORKERS, MIN_FILES_FOR_WORKERS, WorkerPool, workerCount } from './worker-pool.js';
import { DEFAULT_CACHE_DIR, openCache } from './cache-option.js';
import { progressLine } from './progress.js';
import {
  runKeepalivedStep,
  setUpKeepalived,
  splitWithKeepalived,
  type KeepalivedCliOptions,
} from './with-keepalived.js';
import { DEFAULT_TARGET } from '../versions/version.js';
import { checkedTarget, distroHelp, distroNames, outsideRangeNote, resolveTargetName } from '../versions/distros.js';
import { didYouMean } from '../versions/suggest.js';
import { filterByBaseline, loadBaseline, writeBaseline } from './baseline-option.js';
import type { CliIO } from './io.js';

export type { CliIO } from './io.js';

export const VERSION = '0.1.0';
const EXIT_OK = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const host = io.host ?? nodeHost(io.cwd);
  let exitCode = EXIT_OK;
  const program = new Command('keepalived-lint')
    .description('Validate keepalived configurations offline, for any target keepalived version.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // Escaped whole (an argument may hold a newline and a "::error" line: pre-commit passes file
      // names); then commander's own did-you-mean goes back on a line of its own, which starts
      // with "(", so no argument can start a line there.
      outputError: (s, write) =>
        write(`${escapeControl(s.replace(/\n$/, '')).replace(/\\n\(Did you mean /g, '\n(Did you mean ')}\n`),
    })
    .showHelpAfterError('(run keepalived-lint --help for usage)');

  const targetOption = () =>
    new Option(
      '--target <version>',
      `keepalived version or distribution to check against ` +
        `(default ${DEFAULT_TARGET}, Debian bookworm). Distributions: ` +
        `${distroHelp()}`,
    ).default(DEFAULT_TARGET);

  program
    .command('lint', { isDefault: true })
    .description(
      'lint config files, or directories (every keepalived.conf, and every *.conf under a keepalived/ folder)',
    )
    .argument('[paths...]', 'files or directories; - reads one config from standard input', ['.'])
    .addOption(formatOption(Object.keys(formatters), 'stylish'))
    .addOption(targetOption())
    .option(
      '--from <version>',
      'the keepalived version or distribution the config runs on now: also report what changes on the way to --target',
    )
    .option(
      '--config-id <id>',
      'lint for this config-id only (keepalived -i); default: every id the @ lines name, and none',
    )
    .option(
      '--root <dir>',
      'folder that stands for "/" for absolute paths in the config (default: ' +
        'R when the config is at R/etc/keepalived/, else /)',
    )
    .option(
      '-c, --config <file>',
      'use this configuration file for every linted file (default: the nearest .keepalived-lint.yaml above each file)',
    )
    .option(
      '--print-config <file>',
      'print the options that apply to FILE (configuration file, overrides, command line) as JSON, and exit',
    )
    .option(
      '--report-unused-disables',
      'report keepalived-lint disable comments that suppress nothing (warning, rule lint-directive)',
    )
    .option('--baseline <file>', 'report only findings that are not in this baseline file (see --write-baseline)')
    .option(
      '--write-baseline <file>',
      'record every current finding in this file as accepted, print no findings, and exit 0',
    )
    .option('-o, --output <file>', 'write the report to this file instead of standard output')
    .option('--max-warnings <n>', 'exit 1 when there are more than N warnings', parseMaxWarnings)
    .option('--quiet', 'report errors only (warnings still count for --max-warnings)')
    .addOption(ruleUrlBaseOption())
    .option(
      '--no-detail',
      "leave out each finding's detail (what keepalived does, why it " +
        'matters, the fix) in stylish, github and junit output',
    )
    .option(
      '--rule <rule=severity>',
      "set a rule's severity: off, info, warning or error (repeatable; wins over the configuration file)",
      parseRuleSetting(allRules.map((r) => r.meta.id)),
    )
    .option(
      '--stdin-filename <path>',
      'with -: the path the config read from standard input stands for (its ' +
        'includes and scripts are found next to it; findings name it)',
    )
    .option(
      '--with-keepalived [path]',
      'also run the installed keepalived -t on each config (another binary: ' +
        '--with-keepalived=PATH, or an absolute path outside this folder and ' +
        'its repository), in a sandbox (private namespaces, read-only tree, no ' +
        'capabilities, empty environment), and report what it says as rule ' +
        '"keepalived"',
    )
    .option(
      '--unsafe-keepalived-sandbox',
      'with --with-keepalived: run keepalived even where the sandbox cannot be built (default: exit 2)',
    )
    .option(
      '--keepalived-timeout <seconds>',
      'with --with-keepalived: kill a keepalived -t that runs longer (default 30)',
    )
    .option(
      '--cluster',
      'also check the linted configs together, as the nodes of one VRRP cluster (see the cluster command)',
    )
    .option(
      '--fix',
      'apply the safe fixes (keepalived behaves the same after them) to the files, then report what is left',
    )
    .option('--unsafe-fixes', 'with --fix or --diff: also apply the fixes that change what keepalived does')
    .option('--diff', 'print the fixes as a unified diff and change no file (exit 1 when there is something to fix)')
    .option(
      '--cache',
      `re-lint only the configs whose files changed since ` +
        `the last run with --cache (kept in ${DEFAULT_CACHE_DIR}, ` +
        `one file per working folder)`,
    )
    .option(
      '--cache-location <file>',
      'with --cache: the cache file (its key is kept beside it, in FILE.key); not a file git tracks',
    )
    .option(
      '-j, --jobs <n>',
      `lint files on N threads at once (default: one per core ` +
        `from ${MIN_FILES_FOR_WORKERS} files on ${MIN_CORES_FOR_WORKERS} ` +
        `or more cores, else 1)`,
      parseJobs,
    )
    .action(
      async (
        paths: string[],
        o: {
          cache?: boolean;
          cacheLocation?: string;
          jobs?: number;
          format: string;
          target: string;
          from?: string;
          configId?: string;
          root?: string;
          config?: string;
          printConfig?: string;
          reportUnusedDisables?: boolean;
          baseline?: string;
          writeBaseline?: string;
          output?: string;
          maxWarnings?: number;
          quiet?: boolean;
          detail: boolean;
          rule?: Record<string, SeveritySetting>;
          stdinFilename?: string;
          cluster?: boolean;
          ruleUrlBase?: string;
          fix?: boolean;
          unsafeFixes?: boolean;
          diff?: boolean;
        } & KeepalivedCliOptions,
        cmd: Command,
      ) => {
        const target = checkTarget(o.target, io);
        let fixWriteFailed = false;
        if (o.unsafeFixes && !o.fix && !o.diff) {
          io.stderr('keepalived-lint: --unsafe-fixes goes with --fix or --diff\n');
          return void (exitCode = EXIT_USAGE);
        }
        const from = o.from !== undefined ? checkTarget(o.from, io, '--from') : undefined;
        if (!target || from === null) return void (exitCode = EXIT_USAGE);
        const cli: CliLintOptions = {
          ...(cmd.getOptionValueSource('target') === 'default' ? {} : { target }),
          ...(from !== undefined ? { from } : {}),
          ...(o.configId !== undefined ? { configId: o.configId } : {}),
          ...(o.root !== undefined ? { root: path.resolve(io.cwd, o.root) } : {}),
          ...(o.config !== undefined ? { config: path.resolve(io.cwd, o.config) } : {}),
          ...(o.reportUnusedDisables ? { reportUnusedDisables: true } : {}),
          ...(o.rule !== undefined ? { severities: o.rule } : {}),
        };
        if (o.printConfig !== undefined)
          return void (exitCode = printConfig(path.resolve(io.cwd, o.printConfig), cli, host, io));
        if (o.baseline !== undefined && o.writeBaseline !== undefined) {
          io.stderr(
            'keepalived-lint: use --baseline or --write-baseline, not both: ' +
              '--write-baseline FILE records every current finding, FILE included\n',
          );
          return void (exitCode = EXIT_USAGE);
        }
        const baseline = o.baseline !== undefined ? loadBaseline(o.baseline, io, host) : null;
        if (o.baseline !== undefined && !baseline) return void (exitCode = EXIT_USAGE);
        const keepalived = await setUpKeepalived(o, io.cwd, io.env);
        if (keepalived && 'error' in keepalived)
          return void (io.stderr(`keepalived-lint: ${keepalived.error}\n`), (exitCode = EXIT_USAGE));
        const input = await withStdin(
          paths,
          o.stdinFilename,
          { cwd: io.cwd, ...(io.stdin ? { read: io.stdin } : {}) },
          host,
        );
        if ('error' in input)
          return void (io.stderr(`keepalived-lint: ${escapeControl(input.error)}\n`), (exitCode = EXIT_USAGE));
        const found = findConfigs(input.paths, input.host, io.cwd, input.stdinFile);
        for (const e of found.errors) io.stderr(`keepalived-lint: ${escapeControl(e)}\n`);
        for (const n of found.notes) io.stderr(`keepalived-lint: warning: ${escapeControl(n)}\n`);
        if (o.fix || o.diff) {
          if (input.stdinFile) {
            io.stderr('keepalived-lint: --fix and --diff change files: not for a config read from standard input\n');
            return void (exitCode = EXIT_USAGE);
          }
          const { fixInMemory, fixDiff, fixSummary, writeFixes } = await import('./fix-option.js');
          const run = await fixInMemory(input.host, o.unsafeFixes === true, (h) =>
            lintPlanned(found.files, cli, h, rules, () => {}, io.cwd, {}, allRules),
          );
          if (!run) {
            // The configuration file's problems: the lint below prints them.
          } else if (o.diff) {
            const text = fixDiff(run, io.cwd);
            const writeError = o.output === undefined ? (io.stdout(text), null) : writeReport(o.output, text, io.cwd);
            if (writeError) io.stderr(writeError);
            io.stderr(fixSummary(run, io.cwd, false));
            return void (exitCode =
              writeError || found.errors.length ? EXIT_USAGE : run.changed.size ? EXIT_FINDINGS : EXIT_OK);
          } else {
            const errors = writeFixes(run, input.host, io.cwd);
            for (const e of errors) io.stderr(`${e}\n`);
            io.stderr(fixSummary(run, io.cwd, true));
            if (errors.length) fixWriteFailed = true;
          }
        }
        const progress = progressLine(io);
        let linted = 0;
        // Worker threads read files from disk themselves: not for stdin or a caller's own file host.
        const threads = io.host || input.stdinFile ? 0 : workerCount(o.jobs, found.files.length);
        const pool = threads ? new WorkerPool(threads, io.v8Flags) : null;
        const cache =
          o.cache || o.cacheLocation !== undefined
            ? openCache(o.cacheLocation, io.cwd, io.env, VERSION, (w) =>
                io.stderr(`keepalived-lint: warning: ${escapeControl(w)}\n`),
              )
            : null;
        // --cluster and --with-keepalived read the configs as the lint did: loaded once for all three
        // (not across worker threads: each worker loads its own files).
        const loader = o.cluster || keepalived ? new Loader(input.host, true) : undefined;
        let report: Awaited<ReturnType<typeof lintPlanned>>;
        try {
          report = await lintPlanned(
            found.files,
            cli,
            input.host,
            rules,
            io.stderr,
            io.cwd,
            {
              onFile: (f) => progress.step('linting', ++linted, found.files.length, f),
              ...(loader && !pool && !cache ? { loader } : {}),
            },
            allRules,
            pool,
            cache,
          );
        } finally {
          await pool?.close();
        }
        const cacheError = report && cache ? cache.save() : null;
        if (cacheError) io.stderr(`keepalived-lint: warning: ${escapeControl(cacheError)}\n`);
        progress.clear();
        if (!report) return void (exitCode = EXIT_USAGE);
        if (o.cluster) {
          // The other commands and --cluster load their modules when used (start-up time).
          const { clusterReport, tooFewNodes } = await import('./cluster-command.js');
          const { mergeReports } = await import('../cluster/index.js');
          const c = await clusterReport(found.files, cli, input.host, io.stderr, io.cwd, loader, true);
          if (!c) return void (exitCode = EXIT_USAGE);
          if (c.nodes.length < 2)
            io.stderr(`keepalived-lint: --cluster: ${escapeControl(tooFewNodes(c.nodes, io.cwd))}\n`);
          report = mergeReports(report, c.report);
        }
        // Scripts named without a linted config that runs them: checked through the configs of their
        // tree (a file without #! only when executable: keepalived runs nothing else).
        // (Real paths only when a script or other file was named: `lint .` of 10,000 files asks none.)
        let read: Set<string> | null = null;
        const covered = (f: string) =>
          (read ??= new Set([...report!.sources.keys()].map((g) => input.host.realpath(g)))).has(
            input.host.realpath(f),
          );
        const executable = (f: string) => ((input.host.stat(f).mode ?? 0) & 0o111) !== 0;
        const alone = await lintScriptsAlone(
          [...found.scripts, ...found.skipped.filter(executable)].filter((f) => !covered(f)),
          cli,
          input.host,
          rules,
          allRules,
          io.stderr,
          io.cwd,
        );
        if (!alone.report) return void (exitCode = EXIT_USAGE);
        report.results.push(...alone.report.results);
        report.errors.push(...alone.report.errors);
        for (const [f, t] of alone.report.sources) report.sources.set(f, t);
        // A script named with the config that runs it and clean is listed, as a checked file.
        if (found.scripts.length) {
          const listed = new Set(report.results.map((r) => input.host.realpath(r.file)));
          for (const f of found.scripts)
            if (covered(f) && !listed.has(input.host.realpath(f))) report.results.push({ file: f, diagnostics: [] });
        }
        report.results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
        for (const e of report.errors)
          io.stderr(`${shownPath(e.file, io.cwd)}:1:1: error: cannot lint this file: ${escapeControl(e.message)}\n`);
        for (const [f, configs] of alone.checked)
          io.stderr(`keepalived-lint: note: ${checkedNote(f, configs, io.cwd)}\n`);
        for (const [f, configFile] of alone.ignored)
          if (found.scripts.includes(f)) io.stderr(`keepalived-lint: note: ${ignoredNote(f, configFile, io.cwd)}\n`);
        for (const [f, folder] of alone.unchecked)
          if (found.scripts.includes(f)) io.stderr(`keepalived-lint: note: ${uncheckedNote(f, folder, io.cwd)}\n`);
        for (const f of found.skipped)
          if (!covered(f) && !alone.checked.has(f))
            io.stderr(`keepalived-lint: note: ${escapeControl(skippedNote(shownPath(f, io.cwd)))}\n`);
        const keepalivedOptions = new OptionsResolver(input.host, allRules);
        const keepalivedDone =
          !keepalived ||
          (await runKeepalivedStep(report, found.files, keepalived, {
            cwd: io.cwd,
            host: input.host,
            target,
            stderr: io.stderr,
            progress,
            ...(o.root !== undefined ? { root: path.resolve(io.cwd, o.root) } : {}),
            ...(o.configId !== undefined ? { configId: o.configId } : {}),
            ...(input.stdinFile ? { inMemory: new Set([input.stdinFile]) } : {}),
            load: (file) => {
              const { options } = keepalivedOptions.resolve(file, cli);
              return loader!.load(file, options);
            },
          }));
        if (o.writeBaseline !== undefined && (found.files.length || alone.checked.size)) {
          const written = writeBaseline(report, o.writeBaseline, io);
          return void (exitCode = !written || found.errors.length || report.errors.length ? EXIT_USAGE : EXIT_OK);
        }
        if (baseline) filterByBaseline(report, baseline, io);
        const color =
          o.output === undefined &&
          (io.isTTY && !io.env.NO_COLOR ? true : Boolean(io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0'));
        const text = formatters[o.format]!(o.quiet ? errorsOnly(report) : report, {
          cwd: io.cwd,
          color,
          version: VERSION,
          rules: ruleMetas(),
          detail: o.detail,
          ...ruleLinks(o.ruleUrlBase),
        });
        let writeError: string | null = null;
        if (o.output === undefined) io.stdout(text);
        else if ((writeError = writeReport(o.output, text, io.cwd))) io.stderr(writeError);
        const counts = countBySeverity(report);
        const tooManyWarnings = maxWarningsMessage(counts, o.maxWarnings);
        if (tooManyWarnings) io.stderr(tooManyWarnings);
        exitCode =
          found.errors.length || report.errors.length || writeError || !keepalivedDone || fixWriteFailed
            ? EXIT_USAGE
            : counts.error > 0 || tooManyWarnings
              ? EXIT_FINDINGS
              : EXIT_OK;
        // Only scripts, or files that are neither configs nor scripts (a hook's keepalived/VERSION):
        // said (a note each), not an error.
        if (!found.files.length && !found.errors.length && !found.skipped.length && !found.scripts.length) {
          io.stderr(
            'keepalived-lint: no keepalived configuration found (looked for keepalived.conf and keepalived/*.conf)\n',
          );
          exitCode = EXIT_USAGE;
        }
      },
    );

  program
    .command('cluster')
    .description(
      'check the configs of the nodes of a VRRP cluster together (VIPs, ' +
        'adverts, unicast peers, priorities, VRIDs, instances on one node ' +
        'only); a file with @id lines is one node per id',
    )
    .argument('<paths...>', "the nodes' config files, or directories holding them (searched like lint does)")
    .addOption(formatOption(Object.keys(formatters), 'stylish'))
    .addOption(targetOption())
    .option('--root <dir>', 'folder that stands for "/" for absolute paths in the configs')
    .option(
      '-c, --config <file>',
      'use this configuration file for every node (default: the nearest .keepalived-lint.yaml above each file)',
    )
    .option('--no-detail', "leave out each finding's detail in stylish, github and junit output")
    .addOption(ruleUrlBaseOption())
    .action(
      async (
        paths: string[],
        o: { format: string; target: string; root?: string; config?: string; detail: boolean; ruleUrlBase?: string },
        cmd: Command,
      ) => {
        const target = checkTarget(o.target, io);
        if (!target) return void (exitCode = EXIT_USAGE);
        const cli = commandOptions(cmd, target, o, io.cwd);
        const { runClusterCommand } = await import('./cluster-command.js');
        exitCode = await runClusterCommand(paths, o.format, cli, {
          io,
          host,
          version: VERSION,
          rules: ruleMetas(),
          detail: o.detail,
          links: ruleLinks(o.ruleUrlBase),
        });
      },
    );

  program
    .command('diff')
    .description(
      'compare a config before and after an edit as keepalived sees it ' +
        '(renamed, split, merged instances, moved addresses) and report the ' +
        'problems the edit adds; exit 1 when it adds errors',
    )
    .argument(
      '[paths...]',
      'OLD NEW (files, or directories holding one config); with --git: the ' +
        'configs or directories to compare with REV (default .)',
    )
    .option(
      '--git <rev>',
      'compare each config as committed at REV with the working tree (for pre-commit hooks and CI)',
    )
    .addOption(formatOption(['text', 'json', 'markdown'], 'text'))
    .addOption(targetOption())
    .option('--config-id <id>', 'config-id for @ lines (default: one that no @ line names)')
    .option('--root <dir>', 'folder that stands for "/" on both sides')
    .option('--old-root <dir>', 'folder that stands for "/" for OLD')
    .option('--new-root <dir>', 'folder that stands for "/" for NEW')
    .option('--no-detail', "text: leave out each problem's detail")
    .action(async (paths: string[], o: DiffCommandOptions, cmd: Command) => {
      const target = checkTarget(o.target, io);
      if (!target) return void (exitCode = EXIT_USAGE);
      const { runDiffCommand } = await import('./diff-command.js');
      const targetGiven = cmd.getOptionValueSource('target') !== 'default';
      exitCode = await runDiffCommand(paths, { ...o, target, targetGiven }, { io, host, rules, allRules });
    });

  program
    .command('parse')
    .description('print the expanded configuration tree as JSON, every node with its source position')
    .argument('<file>', 'config file')
    .option('--config-id <id>', 'config-id for @ lines (default: one that no @ line names)')
    .addOption(targetOption())
    .option('--root <dir>', 'folder that stands for "/"')
    .option(
      '-c, --config <file>',
      'use this configuration file (default: the nearest .keepalived-lint.yaml above the file)',
    )
    .option(
      '--scripts',
      "print the scripts' analysis instead of the tree: per script its callers, where the name " +
        'arrives, each dispatch with its literals and each use of the name that cannot be followed, ' +
        'with its reason (file, line, column)',
    )
    .action(
      async (
        file: string,
        o: { configId?: string; target: string; root?: string; config?: string; scripts?: boolean },
        cmd: Command,
      ) => {
        const target = checkTarget(o.target, io);
        if (!target) return void (exitCode = EXIT_USAGE);
        const { parseToJson } = await import('./parse-command.js');
        const r = await parseToJson(path.resolve(io.cwd, file), {
          host,
          ...(cmd.getOptionValueSource('target') === 'default' ? {} : { target }),
          configId: o.configId ?? null,
          cwd: io.cwd,
          rules: allRules,
          ...(o.root ? { root: path.resolve(io.cwd, o.root) } : {}),
          ...(o.config !== undefined ? { config: path.resolve(io.cwd, o.config) } : {}),
          ...(o.scripts ? { scripts: true } : {}),
        });
        if ('problems' in r && r.problems) {
          for (const p of r.problems)
            io.stderr(`${shownPath(p.file, io.cwd)}:${p.line}:${p.column}: error: ${escapeControl(p.message)}\n`);
          exitCode = EXIT_USAGE;
          return;
        }
        if ('error' in r) {
          io.stderr(`${escapeControl(file)}:1:1: error: cannot parse this file: ${escapeControl(String(r.error))}\n`);
          exitCode = EXIT_USAGE;
          return;
        }
        io.stdout(JSON.stringify(r, null, 2) + '\n');
      },
    );

  program
    .command('rules')
    .description('list the rules with their default severity')
    .addOption(formatOption(['text', 'json'], 'text'))
    .addOption(ruleUrlBaseOption())
    .action((o: { format: string; ruleUrlBase?: string }) => {
      if (o.format === 'json') {
        const base = ruleLinks(o.ruleUrlBase).ruleUrlBase;
        io.stdout(
          JSON.stringify(
            allRules.map((r) => ({
              id: r.meta.id,
              severity: r.meta.severity,
              description: r.meta.description,
              url: ruleDocsUrl(r.meta.id, base),
            })),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const w = Math.max(...allRules.map((r) => r.meta.id.length));
      for (const r of allRules)
        io.stdout(`${r.meta.id.padEnd(w)}  ${r.meta.severity.padEnd(7)}  ${r.meta.description}\n`);
    });

  program
    .command('graph')
    .description(
      'draw what the configs do (sync groups, instances, VIPs, interfaces, what they track, notify ' +
        'scripts, peers across nodes, virtual and real servers with their check scripts), the elements ' +
        'with a finding in red; a file with @id lines is one node per id',
    )
    .argument('[paths...]', "the nodes' config files, or directories holding them (searched like lint does)", ['.'])
    .addOption(formatOption(['mermaid', 'dot', 'json'], 'mermaid'))
    .addOption(targetOption())
    .option('--root <dir>', 'folder that stands for "/" for absolute paths in the configs')
    .option(
      '-c, --config <file>',
      'use this configuration file for every node (default: the nearest .keepalived-lint.yaml above each file)',
    )
    .action(
      async (
        paths: string[],
        o: { format: 'mermaid' | 'dot' | 'json'; target: string; root?: string; config?: string },
        cmd: Command,
      ) => {
        const target = checkTarget(o.target, io);
        if (!target) return void (exitCode = EXIT_USAGE);
        const cli = commandOptions(cmd, target, o, io.cwd);
        const { runGraphCommand } = await import('./graph-command.js');
        exitCode = await runGraphCommand(paths, o.format, cli, { io, host });
      },
    );

  program
    .command('simulate')
    .description(
      'compute who is MASTER of each virtual router in the steady state, then after each single failure ' +
        '(a node, an interface, a tracked script) and its recovery, with the notify calls keepalived makes ' +
        'and whether the scripts handle them; a file with @id lines is one node per id',
    )
    .argument('<paths...>', "the nodes' config files, or directories holding them (searched like lint does)")
    .addOption(formatOption(['text', 'json', 'markdown'], 'text'))
    .addOption(targetOption())
    .option('--root <dir>', 'folder that stands for "/" for absolute paths in the configs')
    .option('-c, --config <file>', 'use this configuration file for every node')
    .action(
      async (
        paths: string[],
        o: { format: 'text' | 'json' | 'markdown'; target: string; root?: string; config?: string },
        cmd: Command,
      ) => {
        const target = checkTarget(o.target, io);
        if (!target) return void (exitCode = EXIT_USAGE);
        const cli = commandOptions(cmd, target, o, io.cwd);
        const { runSimulateCommand } = await import('./simulate-command.js');
        exitCode = await runSimulateCommand(paths, o.format, cli, { io, host });
      },
    );

  program
    .command('lsp')
    .description(
      'run as a language server on standard input and output (diagnostics while typing, hover, ' +
        'completion, definitions, references, symbols, code actions); for editors',
    )
    .option('--stdio', 'talk over standard input and output (the default and only transport; editors pass it)')
    .addOption(targetOption())
    .option('--root <dir>', 'folder that stands for "/" for absolute paths in the configs')
    .option(
      '-c, --config <file>',
      'use this configuration file (default: the nearest .keepalived-lint.yaml above each file)',
    )
    .option('--config-id <id>', 'config-id for @ lines (default: every id the @ lines name)')
    .addOption(ruleUrlBaseOption())
    .action(
      async (
        o: { target: string; root?: string; config?: string; configId?: string; ruleUrlBase?: string },
        cmd: Command,
      ) => {
        const target = checkTarget(o.target, io);
        if (!target) return void (exitCode = EXIT_USAGE);
        const input = io.stdin?.();
        if (!input || typeof (input as Promise<string>).then === 'function') {
          io.stderr('keepalived-lint: lsp: no standard input stream to read the editor from\n');
          return void (exitCode = EXIT_USAGE);
        }
        const { runLanguageServer } = await import('../lsp/index.js');
        exitCode = await runLanguageServer({
          host,
          rules,
          known: allRules,
          cli: {
            ...commandOptions(cmd, target, o, io.cwd),
            ...(o.configId !== undefined ? { configId: o.configId } : {}),
          },
          ruleUrlBase: ruleLinks(o.ruleUrlBase).ruleUrlBase,
          input: input as AsyncIterable<Uint8Array | string>,
          output: io.stdout,
          log: io.stderr,
          // The lints run on a worker thread, which reads the disk (not a caller's own file host).
          ...(io.host ? {} : { threads: { cwd: io.cwd, ...(io.v8Flags ? { v8Flags: io.v8Flags } : {}) } }),
        });
      },
    );

  try {
    await program.parseAsync(splitWithKeepalived(argv, io.cwd), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? EXIT_OK
        : EXIT_USAGE;
    }
    io.stderr(
      `keepalived-lint: internal error: ${escapeControl(e instanceof Error ? e.message : String(e))}\nPlease ` +
        `report this with the file that caused it.\n`,
    );
    return EXIT_USAGE;
  }
  return exitCode;
}

/**
 * The options cluster, graph, simulate and lsp take as lint does: --target (only when given: a
 * configuration file's target wins over the default), --root and --config, resolved from `cwd`.
 */
function commandOptions(
  cmd: Command,
  target: string,
  o: { root?: string; config?: string },
  cwd: string,
): CliLintOptions {
  return {
    ...(cmd.getOptionValueSource('target') === 'default' ? {} : { target }),
    ...(o.root !== undefined ? { root: path.resolve(cwd, o.root) } : {}),
    ...(o.config !== undefined ? { config: path.resolve(cwd, o.config) } : {}),
  };
}

function printConfig(file: string, cli: CliLintOptions, host: FileHost, io: CliIO): number {
  let failed = false;
  const eff = effectiveFor(file, cli, host, (f): LoadedConfig | null => {
    if (!f) return null;
    const r = loadConfig(f, host, allRules);
    if ('problems' in r) {
      for (const p of r.problems)
        io.stderr(`${shownPath(p.file, io.cwd)}:${p.line}:${p.column}: error: ${escapeControl(p.message)}\n`);
      failed = true;
      return null;
    }
    return r;
  });
  if (failed) return EXIT_USAGE;
  const options = toLintOptions(eff, cli);
  io.stdout(
    JSON.stringify(
      {
        file: rel(file, io.cwd),
        configFile: eff.configFile && rel(eff.configFile, io.cwd),
        ignored: eff.ignored,
        ...options,
      },
      null,
      2,
    ) + '\n',
  );
  return EXIT_OK;
}

/** The rules the formats describe (sarif): every rule, per-config and cluster. */
function ruleMetas(): RuleMeta[] {
  return allRules.map((r) => r.meta);
}

/** --rule-url-base URL, for lint and cluster. */
function ruleUrlBaseOption(): Option {
  return new Option(
    '--rule-url-base <url>',
    'where the rule pages are: each rule links to URL/<rule-id>.md in every format ' +
      `(default: docs/rules in the repository package.json names, else ${DOCS_BASE_URL})`,
  ).argParser(parseRuleUrlBase);
}

/** The links the formats print: the rule pages (--rule-url-base, else from package.json) and the tool's home. */
function ruleLinks(ruleUrlBase: string | undefined): { ruleUrlBase: string; repositoryUrl: string } {
  const links = packageLinks();
  return { repositoryUrl: links.repositoryUrl, ruleUrlBase: ruleUrlBase ?? links.ruleUrlBase };
}

/**
 * -f/--format with its accepted values: a value outside them is a usage error (exit 2) naming them,
 * with a did-you-mean ("jsno" -> json); --help lists them (commander's choices).
 */
function formatOption(values: string[], fallback: string): Option {
  return new Option('-f, --format <format>', 'output format')
    .choices(values)
    .argParser((value: string) => {
      if (values.includes(value)) return value;
      throw new InvalidArgumentError(`Accepted formats: ${values.join(', ')}.${didYouMean(value, values)}`);
    })
    .default(fallback);
}

/**
 * The --target/--from value as the lint uses it, null (after saying why) when it is neither a
 * version nor a distribution. A version outside the releases the keyword table knows is a warning
 * naming the range and what is assumed, and the lint goes on (an older one is checked as the
 * oldest known release). Example: "9.9.9" -> warning, "9.9.9"; "0.1" -> warning, "1.2.1".
 */
function checkTarget(t: string, io: CliIO, option = '--target'): string | null {
  if (!resolveTargetName(t)) {
    io.stderr(
      `keepalived-lint: ${option} "${escapeControl(t)}" ` +
        `is neither a keepalived version such as 2.2.7 nor a ` +
        `distribution such as bookworm or ubuntu-24.04.${didYouMean(t, distroNames())}\n`,
    );
    return null;
  }
  const note = outsideRangeNote(t);
  if (note) io.stderr(`keepalived-lint: warning: ${option} ${escapeControl(note)}\n`);
  return checkedTarget(t);
}

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return r && !r.startsWith('..') ? r : file;
}
