import { defineRule, type Origin, type Related } from '../src/rule-api/index.js';
import { quoteList, similarNames, testMatches, transformed } from '../src/scripts/names.js';
import { hookLabel, type ScriptRef } from '../src/model/scripts.js';
import { scriptCallers, type Caller, type ScriptCallers } from '../src/model/script-callers.js';
import type { Fold, NameTest, ScriptAnalysis } from '../src/scripts/analyze.js';

interface ScriptPlace {
  path: string;
  deployed: string;
}

/** One comparison in a script, and every caller whose name reaches it (directly or handed on). */
interface Site {
  file: ScriptPlace;
  t: NameTest;
  direct: Caller[];
  /** One list per script that hands the name on (kept as lists: 10,000 callers each). */
  through: Caller[][];
  /** The first script that handed the name on to this one, and the script that called this one. */
  via?: { script: string; caller: string };
  /** The case the name was folded to by the scripts that handed it on. */
  fold?: Fold;
  /** The calls that hand the name on, shown as related locations. */
  calls: Map<string, Related>;
}

/** The callers of a script a finding points to (its message names three and counts the rest). */
const MAX_RELATED = 10;
/** Comparisons of a literal with a name for the suggestions of one run (see `suggesting`). */
const MAX_SIMILAR_COMPARED = 2_000_000;

/**
 * The first of `names` the test matches: a plain literal compared as written (no pattern, fold or
 * strip) is looked up, not compared with each name.
 */
function firstMatch(t: NameTest, names: ReadonlySet<string>): string | undefined {
  if (!t.literal.glob && !t.fold && !t.strip) return names.has(t.literal.text) ? t.literal.text : undefined;
  for (const n of names) if (testMatches(t, n)) return n;
  return undefined;
}

export const rule = defineRule({
  meta: {
    id: 'script-unknown-name',
    description:
      'A notify or FIFO script compares the instance/group name with a name ' +
      'none of its callers can pass: that branch never runs.',
    severity: 'error',
    messages: {
      unknown: {
        message: 'Unknown instance or group name "{{literal}}" in {{script}}: this branch never runs',
        detail:
          'No vrrp_instance or vrrp_sync_group of this config is named {{what}}, ' +
          'so this branch never runs ({{callers}}).{{hint}} Fix: change the ' +
          'script to match the names its callers pass{{fix}}.',
      },
      notPassed: {
        message: 'No caller of {{script}} passes the name "{{literal}}": this branch never runs',
        detail:
          'keepalived runs this script only for the names its callers pass ' +
          '({{callers}}); {{owner}} runs it with its name nowhere (no notify of ' +
          'its own calls it), so this branch never runs.{{hint}} Fix: add ' +
          '`notify {{script}}` to {{owner}} if the script must act for it, or match ' +
          'the names the callers pass{{fix}}.',
      },
      unparsed: {
        message: 'Cannot check the names in {{script}}: syntax error at line {{line}}',
        detail:
          'The shell parser (tree-sitter-bash) stops at line {{line}}, so the names ' +
          'this script compares with the instance/group name are not checked ' +
          '({{callers}}). keepalived runs it anyway; if the shell cannot parse it ' +
          'either, it fails on every state change. Fix: check it with `bash -n` ' +
          'or shellcheck and correct the line.',
      },
      caseFolded: {
        message: '"{{literal}}" in {{script}} is compared with the {{fold}}-cased name: this branch never runs',
        detail:
          'The script turns the name to {{fold}} case before this comparison, so a ' +
          'literal with letters of the other case never equals it, whatever the ' +
          'instance or group is called. Fix: write "{{refolded}}", or compare the ' +
          'name before the case change.',
      },
      unknownVia: {
        message:
          'Unknown instance or group name "{{literal}}" in {{script}} (the name arrives through {{caller}}): ' +
          'this branch never runs',
        detail:
          '{{top}} hands the instance/group name on to {{script}}, which compares it with {{what}}; no ' +
          'vrrp_instance or vrrp_sync_group of this config has that name, so this branch never runs ' +
          '({{callers}}).{{hint}} Fix: change the script to match the names its callers pass{{fix}}.',
      },
      notPassedVia: {
        message: 'No caller of {{top}} passes the name "{{literal}}" on to {{script}}: this branch never runs',
        detail:
          '{{top}} hands the instance/group name on to {{script}}, and keepalived runs {{top}} only for ' +
          'the names its callers pass ({{callers}}); {{owner}} runs it with its name nowhere, so this ' +
          'branch never runs.{{hint}} Fix: add `notify {{top}}` to {{owner}} if the script must act ' +
          'for it, or match the names the callers pass{{fix}}.',
      },
      fifoQuotes: {
        message: 'FIFO name field compared with {{literal}} without quotes in {{script}}: this test never matches',
        detail:
          'keepalived writes the name in double quotes (INSTANCE "{{bare}}" ' +
          'MASTER 100), so this test never matches. Fix: compare with ' +
          '\'"{{bare}}"\', or strip the quotes first (NAME=${NAME//\\"/}).',
      },
    },
  },
  create(ctx) {
    /**
     * "notify of vrrp_instance gw at x.conf:3:5 (passes "gw")", once per config line; once per list
     * of callers (the literals of a script share theirs: scriptCallers), and at most MAX_RELATED of
     * them as related locations (10,000 callers of one script, each at every literal it compares,
     * made hundreds of megabytes of JSON).
     */
    const described = new WeakMap<Caller[], { text: string; related: Related[] }>();
    const describe = (callers: Caller[]): { text: string; related: Related[] } => {
      let known = described.get(callers);
      if (!known) described.set(callers, (known = describeAll(callers)));
      return known;
    };
    const describeAll = (callers: Caller[]): { text: string; related: Related[] } => {
      const seen = new Map<string, { line: string; origin: Origin; ref: ScriptRef }>();
      for (const { ref: c, passes: names } of callers) {
        const at = ctx.where(c.statement.keyword.origin);
        const passes = c.nameSource?.kind === 'fifo' ? 'every instance and group: ' : '';
        const written = (c.nameSource && !c.nameWritten) || !names.length ? '' : ' written in its line';
        const line = `${hookLabel(c)} at ${at} (passes ${passes}${quoteList(names) || 'no name'}${written})`;
        if (!seen.has(line)) seen.set(line, { line, origin: c.statement.keyword.origin, ref: c });
      }
      const all = [...seen.values()];
      const more = all.length > 3 ? ` and ${all.length - 3} more` : '';
      return {
        text: `called by ${all
          .slice(0, 3)
          .map((s) => s.line)
          .join(', ')}${more}`,
        related: all
          .slice(0, MAX_RELATED)
          .map((s) => ({ origin: s.origin, message: `the script is called here (${hookLabel(s.ref)})` })),
      };
    };
    return {
      end() {
        /** The names the callers can pass, once per list of callers (as `describe`). */
        const passedOf = new WeakMap<Caller[], Set<string>>();
        const passedBy = (callers: Caller[]): Set<string> => {
          let names = passedOf.get(callers);
          if (!names) passedOf.set(callers, (names = new Set(callers.flatMap((c) => c.passes))));
          return names;
        };
        let sortedNames: string[] | undefined;
        // Suggestions within MAX_SIMILAR_COMPARED comparisons of a literal with a name in all (4,000
        // literals against 4,000 instance names took 8 s); then the hint lists the config's names.
        const suggesting = { left: MAX_SIMILAR_COMPARED };
        const done = new Set<string>();
        const perFile = new Map<string, ScriptCallers>();
        const sites = new Map<string, Site>();
        const siteOf = (f: ScriptPlace, t: NameTest): Site | null => {
          const l = t.literal;
          // VS/RS address fields, defaults
          if (!t.missingQuotes && (/^[0-9a-f.:[\]/]+$/i.test(l.text) || /^\*+$/.test(l.text))) return null;
          const key = `${f.path}\0${l.start}`;
          let site = sites.get(key);
          if (!site) {
            site = { file: f, t, direct: [], through: [], calls: new Map() };
            sites.set(key, site);
          }
          return site;
        };
        const check = (site: Site) => {
          const { t, file: f } = site;
          const l = t.literal;
          // The callers whose name reaches this comparison, and the names they can pass.
          const reaching = site.through.length ? site.direct.concat(...site.through) : site.direct;
          const passed = passedBy(reaching);
          if (!t.missingQuotes && firstMatch(t, passed) !== undefined) return;
          const who = describe(reaching);
          const related = [...who.related, ...site.calls.values()];
          // ${NAME,,} compared with "VI_1": no name can ever be equal to it after the fold.
          // (or a caller script folded it before handing it on)
          const fold = t.fold ?? site.fold;
          const refolded = fold ? transformed({ fold }, l.text) : null;
          if (refolded !== null && refolded !== l.text && !t.missingQuotes) {
            ctx.report({
              messageId: 'caseFolded',
              at: { file: f.path, start: l.start, end: l.end },
              related,
              data: { literal: l.text, script: f.deployed, fold: fold!, refolded },
            });
            return;
          }
          const owner = t.missingQuotes ? undefined : firstMatch(t, ctx.scripts.allNames);
          const similar = l.glob ? [] : similarNames(l.text, owner ? passed : ctx.scripts.allNames, suggesting);
          const isGroup = owner !== undefined && !ctx.scripts.named.instances.has(owner);
          const via = site.direct.length ? undefined : site.via;
          const messageId = t.missingQuotes ? 'fifoQuotes' : owner !== undefined ? 'notPassed' : 'unknown';
          ctx.report({
            messageId: via && messageId !== 'fifoQuotes' ? `${messageId}Via` : messageId,
            at: { file: f.path, start: l.start, end: l.end },
            related,
            data: {
              literal: l.text,
              bare: l.text,
              script: f.deployed,
              ...(via ? { caller: via.caller, top: via.script } : {}),
              callers: who.text,
              owner: owner === undefined ? '' : `${isGroup ? 'vrrp_sync_group' : 'vrrp_instance'} ${owner}`,
              what: l.glob ? `anything matching "${l.text}"` : `"${l.text}"`,
              hint: similar.length
                ? ` ${owner ? 'The callers pass' : 'The config has'} ${quoteList(similar)}: if "${l.text}" ` +
                  `was renamed or split, the script was not updated.`
                : ctx.scripts.allNames.size && !owner
                  ? ` The config defines ${quoteList((sortedNames ??= [...ctx.scripts.allNames].sort()))}.`
                  : '',
              fix: similar.length ? ` (e.g. "${similar.join('|')})")` : '',
            },
          });
        };
        /** A script the parser stops in: say so once per file, at the line it stopped at. */
        const unparsed = (f: ScriptPlace, a: ScriptAnalysis, callers: () => { text: string; related: Related[] }) => {
          const source = ctx.file(f.path);
          if (!a.syntaxError || !source || done.has(f.path)) return;
          done.add(f.path);
          // Only now: 10,000 callers of one script are described once, not once per caller.
          const who = callers();
          // A missing `fi`/`done` is found at the end of the file: point at its last line.
          const text = source.text;
          const last = text.trimEnd().length;
          const start = a.syntaxError.start < last ? a.syntaxError.start : text.lastIndexOf('\n', last - 1) + 1;
          const eol = text.indexOf('\n', start);
          // The error node may span the rest of the file: point at its first line.
          const at = { file: f.path, start, end: Math.min(a.syntaxError.end, eol < 0 ? Infinity : eol) };
          ctx.report({
            messageId: 'unparsed',
            at,
            severity: 'warning',
            related: who.related,
            data: { script: f.deployed, line: text.slice(0, at.start).split('\n').length, callers: who.text },
          });
        };
        /** Each analysis once: 10,000 instances whose notify runs one script share one. */
        const analysed = new Set<ScriptAnalysis>();
        for (const ref of ctx.scripts.refs) {
          const a = ctx.scripts.analysis(ref);
          const f = ctx.scripts.file(ref);
          if (!a || !f) continue;
          let file = perFile.get(f.path);
          if (!file) {
            file = scriptCallers(ctx.scripts.callers(ref), ctx.scripts.analysis);
            perFile.set(f.path, file);
          }
          const { named } = file;
          unparsed(f, a, () => describe(named));
          if (!a.parsed || analysed.has(a)) continue;
          analysed.add(a);
          for (const t of a.dispatches.flatMap((d) => d.tests)) {
            const site = siteOf(f, t);
            if (site && !site.direct.length) site.direct = file.reaching(t.literal.start);
          }
          // The scripts this one hands the name to: their comparisons see what its callers pass.
          for (const c of a.callees ?? []) {
            const reaching = file.reachingAnalysis(a).map((r) => ({
              ref: r.ref,
              passes: r.passes.map((n) => c.calls.reduce((m, { handoff }) => transformed(handoff, m), n)),
            }));
            const first = c.calls[0]!;
            const last = c.calls[c.calls.length - 1]!;
            const fn = last.handoff.function;
            const to = fn
              ? `function ${fn} of ${c.file.deployed}`
              : last.handoff.sourced
                ? `${c.file.deployed}, which it sources`
                : c.file.deployed;
            if (!c.analysis.parsed) {
              const call = { file: last.file.path, start: last.handoff.start, end: last.handoff.start };
              unparsed(c.file, c.analysis, () => {
                const who = describe(reaching);
                return {
                  text: `handed the name by ${last.file.deployed}, ${who.text}`,
                  related: [...who.related, { origin: call, message: `the name is passed on here (to ${to})` }],
                };
              });
              continue;
            }
            for (const t of c.analysis.dispatches.flatMap((d) => d.tests)) {
              const site = siteOf(c.file, t);
              if (!site) continue;
              site.through.push(reaching);
              // Folded on the way (`role-change "${NAME,,}"`): the callee sees one case only.
              const fold = c.calls.reduce<Fold | undefined>((x, { handoff }) => handoff.fold ?? x, undefined);
              if (fold && !site.direct.length) site.fold = fold;
              if (!site.via) site.via = { script: f.deployed, caller: last.file.deployed };
              const at = { file: last.file.path, start: last.handoff.start, end: last.handoff.start };
              const key = `${at.file}\0${at.start}`;
              if (!site.calls.has(key))
                site.calls.set(key, { origin: at, message: `the name is passed on here (to ${to})` });
              if (first !== last) {
                const from = { file: first.file.path, start: first.handoff.start, end: first.handoff.start };
                const k = `${from.file}\0${from.start}`;
                if (!site.calls.has(k)) site.calls.set(k, { origin: from, message: 'the name is passed on here' });
              }
            }
          }
        }
        for (const site of sites.values()) check(site);
      },
    };
  },
});
