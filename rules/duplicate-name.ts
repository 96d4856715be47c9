import { defineRule, type Statement } from '../src/rule-api/index.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** The first version that refuses a second vrrp_instance / vrrp_sync_group of the same name. */
const VRRP_NAMES_CHECKED = '1.3.1';

interface Kind {
  /** Keywords that share one name space (vrrp_track_file is the old spelling of track_file). */
  keywords: string[];
  label: string;
  /** How keepalived 2.2.7 treats the second block; `silent` when -t prints nothing. */
  does: string;
}

const KINDS: Kind[] = [
  {
    keywords: ['vrrp_instance'],
    label: 'vrrp_instance',
    does: 'skips the whole second block ("vrrp instance {{name}} already defined")',
  },
  {
    keywords: ['vrrp_sync_group'],
    label: 'vrrp_sync_group',
    does: 'skips the whole second block ("vrrp sync group {{name}} already defined")',
  },
  {
    keywords: ['bfd_instance'],
    label: 'bfd_instance',
    does: 'skips the whole second block ("Configuration error: BFD instance {{name}} already configured - ignoring")',
  },
  {
    keywords: ['track_group'],
    label: 'track_group',
    does: 'skips the whole second block ("track_group {{name}} already defined")',
  },
  {
    keywords: ['vrrp_script'],
    label: 'vrrp_script',
    does: 'silently keeps both, but every track_script lookup finds the first',
  },
  {
    keywords: ['track_file', 'vrrp_track_file'],
    label: 'track file',
    does: 'silently keeps both, but every track_file lookup finds the first',
  },
  {
    keywords: ['vrrp_track_process'],
    label: 'vrrp_track_process',
    does: 'silently keeps both, but every track_process lookup finds the first',
  },
  {
    keywords: ['virtual_server_group'],
    label: 'virtual_server_group',
    does: 'silently keeps both, but every virtual_server group lookup finds the first',
  },
];

export const rule = defineRule({
  meta: {
    id: 'duplicate-name',
    description:
      'Two vrrp_instance, vrrp_sync_group, track_group, vrrp_script, track file, ' +
      'vrrp_track_process, bfd_instance or virtual_server_group blocks with ' +
      'the same name: keepalived uses only the first.',
    severity: 'error',
    messages: {
      duplicate: {
        message: '{{label}} "{{name}}" is already defined at {{first}}: none of the settings in this block apply',
        detail:
          'keepalived {{target}} {{does}}, so none of the settings in this block ' +
          'apply. Fix: rename this block (and the references meant for it), or ' +
          'merge it into the first one.',
      },
      unchecked: {
        message:
          '{{label}} "{{name}}" is already defined at {{first}}: keepalived ' +
          '{{target}} creates two instances called "{{name}}"',
        detail:
          'keepalived {{target}} does not check names and creates two instances ' +
          'called "{{name}}"; keepalived {{checked}} and later skip this whole ' +
          'block ("... already defined"). Fix: rename this block (and the ' +
          'references meant for it), or merge it into the first one.',
      },
    },
  },
  create(ctx) {
    const seen = new Map<string, Statement>();
    const vrrpChecked = compareVersions(ctx.target, VRRP_NAMES_CHECKED) >= 0;
    return {
      end() {
        // A duplicate keepalived skips is not in tree.top; its first block always is.
        const duplicates = ctx.tree.skipped.filter((k) => k.reason === 'duplicate').map((k) => k.statement);
        for (const st of [...ctx.tree.top, ...duplicates]) {
          const kind = KINDS.find((k) => k.keywords.includes(st.keyword.text));
          const nameTok = st.args[0];
          if (!kind || !st.def || !nameTok) continue;
          const key = `${kind.label}\0${nameTok.text}`;
          const first = seen.get(key);
          if (!first) {
            seen.set(key, st);
            continue;
          }
          const old = !vrrpChecked && (kind.label === 'vrrp_instance' || kind.label === 'vrrp_sync_group');
          const firstName = first.args[0]!;
          ctx.report({
            messageId: old ? 'unchecked' : 'duplicate',
            at: nameTok,
            data: {
              label: kind.label,
              name: nameTok.text,
              first: ctx.where(firstName.origin),
              target: formatVersion(ctx.target),
              does: kind.does.replaceAll('{{name}}', nameTok.text),
              checked: VRRP_NAMES_CHECKED,
            },
            related: [
              { origin: firstName.origin, message: `first ${kind.label} "${nameTok.text}", the one keepalived uses` },
            ],
          });
        }
      },
    };
  },
});
