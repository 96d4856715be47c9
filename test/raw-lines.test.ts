// The text of a line as read (`raw`) is what the script keywords read again; the loader keeps it
// for those lines only (issue 16: the text of every ~SEQ/definition line, with its map of where
// each piece came from, was most of the memory of 1173.conf). A line written as it is builds it
// again from its file when asked. Positions and findings must not change.
import { describe, expect, it } from 'vitest';
import { isLoadedConfig, loadConfig } from '../src/load/index.js';
import type { WordsLine } from '../src/preprocess/types.js';
import { readCommandLine, shellConstructs } from '../src/model/script-command.js';
import { nodeHost } from '../src/source/host.js';
import type { Statement } from '../src/tree/index.js';
import { parseVersion } from '../src/versions/version.js';
import { tempTree } from './helpers.js';

const { dir, write } = tempTree('kl-raw-lines-');

const CONFIG = [
  '$PRIO=150',
  '$NOTIFY=/etc/keepalived/notify.sh',
  'vrrp_instance VI_1 {',
  '    state MASTER',
  '    interface eth0',
  '    virtual_router_id 51',
  '    priority $PRIO',
  '    notify "$NOTIFY x"',
  '    virtual_ipaddress {',
  '        10.0.0.1/24',
  '    }',
  '}',
  '',
].join('\n');

async function lines(): Promise<{ text: string; byWord: Map<string, WordsLine> }> {
  const file = write('etc/keepalived/keepalived.conf', CONFIG);
  const loaded = await loadConfig(file, { root: dir }, nodeHost(dir));
  if (!isLoadedConfig(loaded)) throw new Error('not loaded');
  const byWord = new Map<string, WordsLine>();
  for (const l of loaded.passes[0]!.pre.lines) if (l.kind === 'words') byWord.set(l.tokens[0]!.text, l);
  return { text: CONFIG, byWord };
}

describe('the text of a line as read', () => {
  it('is kept for a script line made by a definition, and maps its pieces', async () => {
    const { text, byWord } = await lines();
    const notify = byWord.get('notify')!;
    expect(notify.raw?.text).toBe('notify "/etc/keepalived/notify.sh x"');
    // The command comes from $NOTIFY: it maps to the reference, through the definition.
    const at = notify.raw!.text.indexOf('/etc');
    const o = notify.raw!.origin(at, at + 4);
    expect(text.slice(o.origin.start, o.origin.end)).toBe('$NOTIFY');
    expect(o.via.map((e) => e.name)).toEqual(['NOTIFY']);
  });

  it('is not kept for another line made by a definition; its words and origin are', async () => {
    const { text, byWord } = await lines();
    const priority = byWord.get('priority')!;
    expect(priority.raw).toBeNull();
    expect(priority.tokens.map((t) => t.text)).toEqual(['priority', '150']);
    expect(text.slice(priority.lineOrigin.start, priority.lineOrigin.end)).toBe('priority $PRIO');
  });

  it('is built again, the same, for a line written as it is', async () => {
    const { text, byWord } = await lines();
    const state = byWord.get('state')!;
    expect(state.raw?.text).toBe('state MASTER');
    expect(state.raw).not.toBe(state.raw); // built when asked, not kept
    const o = state.raw!.origin(6, 12).origin;
    expect(text.slice(o.start, o.end)).toBe('MASTER');
    expect(text.slice(state.lineOrigin.start, state.lineOrigin.end)).toBe('state MASTER');
  });
});

// Script lines of the same text share one split of their words (src/model/script-command.ts: the
// notify line of 10,000 instances, 8 MB kept once per line before); each line's places stay its own.
describe('script lines of the same text', () => {
  const SAME = [
    '$CMD=notify_master "/x.sh \'a|b\' c"',
    'vrrp_instance VI_1 {',
    '    notify_master "/x.sh \'a|b\' c"',
    '}',
    'vrrp_instance VI_2 {',
    '        notify_master "/x.sh \'a|b\' c"',
    '}',
    'vrrp_instance VI_3 {',
    '    $CMD',
    '}',
    'vrrp_instance VI_4 {',
    '    notify_master "/x.sh \\"a b\\""',
    '}',
    '',
  ].join('\n');

  async function statements() {
    const file = write('etc/keepalived/same.conf', SAME);
    const loaded = await loadConfig(file, { root: dir }, nodeHost(dir));
    if (!isLoadedConfig(loaded)) throw new Error('not loaded');
    return loaded.passes[0]!.tree.all.filter((s) => s.keyword.text === 'notify_master');
  }

  it('map each word to the place it was written in that line', async () => {
    const [a, b, c] = await statements();
    const target = parseVersion('2.2.7');
    const where = (st: Statement) => {
      const cmd = readCommandLine(st, target);
      return cmd.argv.map((w) => {
        const o = cmd.wordOrigin(w).origin;
        return `${w.text}@${SAME.slice(0, o.start).split('\n').length}:${SAME.slice(o.start, o.end)}`;
      });
    };
    expect(where(a!)).toEqual(['/x.sh@3:/x.sh', 'a|b@3:a|b', 'c@3:c']);
    expect(where(b!)).toEqual(['/x.sh@6:/x.sh', 'a|b@6:a|b', 'c@6:c']);
    // Made by $CMD: every word maps to the reference, through the definition.
    expect(where(c!)).toEqual(['/x.sh@9:$CMD', 'a|b@9:$CMD', 'c@9:$CMD']);
    const pipe = (st: Statement) =>
      shellConstructs(readCommandLine(st, target), false).map((k) => {
        const line = SAME.slice(0, k.origin.start).split('\n').length;
        return `${k.kind} ${line}:${k.origin.start - SAME.lastIndexOf('\n', k.origin.start - 1)}`;
      });
    // The quoted `|` is no pipe; nothing else is shell syntax: no construct, on any of the three.
    expect([a, b, c].flatMap((st) => pipe(st!))).toEqual([]);
  });

  it('are split as the target reads escapes, whichever target came first', async () => {
    const st = (await statements())[3]!;
    const argv = (v: string) => readCommandLine(st, parseVersion(v)).argv.map((w) => w.text);
    // 2.0.6-2.3.1 turn \" into " in the first split, so the second one sees a quoted word.
    expect(argv('2.3.1')).toEqual(['/x.sh', 'a b']);
    expect(argv('2.3.2')).toEqual(['/x.sh', '"a', 'b"']);
    expect(argv('2.3.1')).toEqual(['/x.sh', 'a b']);
    expect(argv('2.3.2')).toEqual(['/x.sh', '"a', 'b"']);
  });
});
