/**
 * Keywords that make `keepalived -t` act on the machine while it only reads the config (audit of
 * keepalived 2.x, docs/security.md): --with-keepalived refuses to run keepalived on a config that
 * has one, wherever it comes from (an include, a $DEF, a @id line). Example:
 *   global_defs { config_save_dir "/tmp/x;sh evil.sh;:" }
 *   -> [{ keyword: 'config_save_dir', value: '/tmp/x;sh evil.sh;:', origin: <the keyword> }]
 */
import type { Origin } from '../load/index.js';
import type { Statement } from '../load/index.js';

export const SIDE_EFFECT_KEYWORDS: Readonly<Record<string, string>> = {
  // global_parser.c config_save_dir_handler(): mkdir(VALUE) in the parent pass; lib/parser.c
  // read_config_file(): system("cp /proc/PID/fd/N VALUE/keepalived.conf.PID.N") (2.2.3 and later).
  config_save_dir:
    'keepalived -t creates that folder and runs a shell command built from ' +
    'its value (system("cp ... VALUE/...")), as root',
  // main.c -> namespaces.c set_namespaces(): open(/var/run/netns/VALUE) and setns() under -t too.
  net_namespace:
    'keepalived -t joins the network namespace named by its value (setns), leaving the private one it runs in',
};

export interface SideEffect {
  keyword: string;
  value: string;
  origin: Origin;
  why: string;
}

/** The side-effect keywords in the trees (every pass of one config), once per source position. */
export function sideEffects(passes: readonly (readonly Statement[])[]): SideEffect[] {
  const found = new Map<string, SideEffect>();
  const visit = (st: Statement): void => {
    const why = SIDE_EFFECT_KEYWORDS[st.keyword.text];
    if (why !== undefined) {
      const o = st.keyword.origin;
      const key = `${o.file}\0${o.start}`;
      if (!found.has(key))
        found.set(key, { keyword: st.keyword.text, value: st.args.map((a) => a.text).join(' '), origin: o, why });
    }
    for (const c of st.children) visit(c);
  };
  for (const top of passes) for (const st of top) visit(st);
  return [...found.values()].sort((a, b) =>
    a.origin.file < b.origin.file ? -1 : a.origin.file > b.origin.file ? 1 : a.origin.start - b.origin.start,
  );
}
