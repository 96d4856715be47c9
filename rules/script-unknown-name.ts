import { defineRule, type Origin, type Related } from '../src/rule-api/index.js';
import { quoteList, similarNames, testMatches } from '../src/scripts/names.js';
import { hookLabel, type ScriptRef } from '../src/model/scripts.js';
import { scriptCallers, type Caller, type ScriptCallers } from '../src/model/script-callers.js';

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
    /** "notify of vrrp_instance gw at x.conf:3:5 (passes "gw")", once per config line. */
    const describe = (callers: Caller[]): { text: string; related: Related[] } => {
      const seen = new Map<string, { line: string; origin: Origin; ref: ScriptRef }>();
      for (const { ref: c, passes: names } of callers) {
        const at = ctx.where(c.statement.keyword.origin);
        const passes = c.nameSource?.kind === 'fifo' ? 'every instance and group: ' : '';
        const written = c.nameSource || !names.length ? '' : ' written in its line';
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
        related: all.map((s) => ({ origin: s.origin, message: `the script is called here (${hookLabel(s.ref)})` })),
      };
    };
    return {
      end() {
        const done = new Set<string>();
        const perFile = new Map<string, ScriptCallers>();
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
          if (a.syntaxError && f.source && !done.has(f.path)) {
            done.add(f.path);
            // A missing `fi`/`done` is found at the end of the file: point at its last line.
            const text = f.source.text;
            const last = text.trimEnd().length;
            const start = a.syntaxError.start < last ? a.syntaxError.start : text.lastIndexOf('\n', last - 1) + 1;
            const eol = text.indexOf('\n', start);
            // The error node may span the rest of the file: point at its first line.
            const at = { file: f.path, start, end: Math.min(a.syntaxError.end, eol < 0 ? Infinity : eol) };
            const who = describe(named);
            ctx.report({
              messageId: 'unparsed',
              at,
              severity: 'warning',
              related: who.related,
              data: {
                script: f.deployed,
                line: text.slice(0, at.start).split('\n').length,
                callers: who.text,
              },
            });
          }
          if (!a.parsed) continue;
          for (const t of a.dispatches.flatMap((d) => d.tests)) {
            const l = t.literal;
            const key = `${f.path}\0${l.start}`;
            if (done.has(key)) continue;
            done.add(key);
            // VS/RS address fields, defaults
            if (!t.missingQuotes && (/^[0-9a-f.:[\]/]+$/i.test(l.text) || /^\*+$/.test(l.text))) continue;
            // The callers whose name reaches this comparison, and the names they can pass.
            const reaching = file.reaching(l.start);
            const passed = new Set(reaching.flatMap((c) => c.passes));
            if (!t.missingQuotes && [...passed].some((n) => testMatches(t, n))) continue;
            // ${NAME,,} compared with "VI_1": no name can ever be equal to it after the fold.
            const refolded =
              t.fold === 'lower' ? l.text.toLowerCase() : t.fold === 'upper' ? l.text.toUpperCase() : null;
            if (refolded !== null && refolded !== l.text && !t.missingQuotes) {
              ctx.report({
                messageId: 'caseFolded',
                at: { file: f.path, start: l.start, end: l.end },
                related: describe(reaching).related,
                data: { literal: l.text, script: f.deployed, fold: t.fold!, refolded },
              });
              continue;
            }
            const owner = t.missingQuotes ? undefined : [...ctx.scripts.allNames].find((n) => testMatches(t, n));
            const similar = l.glob ? [] : similarNames(l.text, owner ? passed : ctx.scripts.allNames);
            const who = describe(reaching);
            const isGroup = owner !== undefined && !ctx.scripts.named.instances.has(owner);
            ctx.report({
              messageId: t.missingQuotes ? 'fifoQuotes' : owner !== undefined ? 'notPassed' : 'unknown',
              at: { file: f.path, start: l.start, end: l.end },
              related: who.related,
              data: {
                literal: l.text,
                bare: l.text,
                script: f.deployed,
                callers: who.text,
                owner: owner === undefined ? '' : `${isGroup ? 'vrrp_sync_group' : 'vrrp_instance'} ${owner}`,
                what: l.glob ? `anything matching "${l.text}"` : `"${l.text}"`,
                hint: similar.length
                  ? ` ${owner ? 'The callers pass' : 'The config has'} ${quoteList(similar)}: if "${l.text}" ` +
                    `was renamed or split, the script was not updated.`
                  : ctx.scripts.allNames.size && !owner
                    ? ` The config defines ${quoteList([...ctx.scripts.allNames].sort())}.`
                    : '',
                fix: similar.length ? ` (e.g. "${similar.join('|')})")` : '',
              },
            });
          }
        }
      },
    };
  },
});
