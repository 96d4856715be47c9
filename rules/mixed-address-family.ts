import { defineRule } from '../src/rule-api/index.js';
import { familyName, routesFrom, vrrpInstances, type VrrpInstance } from '../src/model/vrrp.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';
import { familySplit, splitContext, type FamilySplit, type SplitContext } from '../src/model/family-split.js';
import type { ScriptRef } from '../src/model/scripts.js';
import type { Fix, Origin } from '../src/rule-api/index.js';

/** The split as a suggestion (it changes what keepalived runs: a second VRRP instance, a group). */
function splitSuggestion(
  split: FamilySplit,
  name: string,
  scripts: { deployed: string; edits: { at: Origin; text: string }[] }[],
): Fix {
  const group = split.group.created
    ? `a new vrrp_sync_group ${name} that takes over its notify lines`
    : `vrrp_sync_group ${split.group.name}`;
  const touched = scripts.length ? `; the case arms for ${name} in ${scripts.map((s) => s.deployed).join(', ')}` : '';
  return {
    message:
      `split ${name} into ${split.names[0]} and ${split.names[1]} ` +
      `(virtual_router_id ${split.vrid} for ${split.names[1]}), both in ${group}${touched}`,
    edits: [...split.edits, ...scripts.flatMap((s) => s.edits)].map((e) => ({ at: e.at, text: e.text })),
  };
}

/** Since 1.2.20 the first address fixes an instance's family; keepalived drops the others. */
const FAMILY_FIXED = '1.2.20';
/** From 2.0.7 the VIP message goes through report_config_error (shown by -t); before, syslog only. */
const SHOWN_BY_T = '2.0.7';

export const rule = defineRule({
  meta: {
    id: 'mixed-address-family',
    description:
      'IPv4 and IPv6 addresses in one vrrp_instance: keepalived 1.2.20+ ' +
      'keeps the family of the first address and drops the others.',
    severity: 'error',
    messages: {
      vip: {
        message:
          '{{family}} address {{address}} in {{instanceFamily}} vrrp_instance {{name}}: keepalived {{target}} drops it',
        detail:
          'The instance is {{instanceFamily}}: {{why}}. keepalived {{target}} ' +
          'drops every address of the other family ("address family must match ' +
          'VRRP instance [{{address}}] - ignoring"){{visibility}}, so this ' +
          'address never comes up.{{change}} Fix: move the {{family}} addresses ' +
          'to virtual_ipaddress_excluded (no family check, not sent in adverts), ' +
          'or split the instance into two ({{name}}_v4 and {{name}}_v6) in a ' +
          'vrrp_sync_group; a split renames the instance, so notify and route ' +
          'scripts that match "{{name}}" must follow.',
      },
      src: {
        message: '{{family}} {{keyword}} {{address}} in {{instanceFamily}} vrrp_instance {{name}}: keepalived skips it',
        detail:
          'The instance is {{instanceFamily}}: {{why}}. keepalived logs "VRRP ' +
          'instance[{{name}}] and src address[{{address}}] MUST be of the same ' +
          'family !!! Skipping..." and sends from another address. Fix: use a ' +
          "source address of the instance's family.",
      },
      routeSrc: {
        message:
          'Virtual route {{dest}} in vrrp_instance {{name}} uses src ' +
          '{{address}}, a VIP keepalived {{target}} drops: the route never comes ' +
          'up',
        detail:
          'The VIP at {{vipAt}} is {{family}} in an {{instanceFamily}} instance, ' +
          'so keepalived drops it; the kernel refuses a route whose source ' +
          'address is not on the host, so when {{name}} becomes MASTER ' +
          'keepalived logs "Netlink: error: Invalid argument" and this route is ' +
          'missing. Fixing the VIP fixes the route (virtual_ipaddress_excluded ' +
          'addresses are added before the routes); routes themselves may be of ' +
          'either family.',
      },
      peer: {
        message:
          '{{family}} unicast peer {{address}} in {{instanceFamily}} vrrp_instance {{name}}: keepalived skips it',
        detail:
          'The instance is {{instanceFamily}}: {{why}}. keepalived logs "... ' +
          'unicast peer address[{{address}}] MUST be of the same family !!! ' +
          'Skipping...", so adverts never reach that peer and both routers may ' +
          'become MASTER. Fix: put peers of the other family in an instance of ' +
          'their own.',
      },
    },
  },
  create(ctx) {
    const fixed = compareVersions(ctx.target, FAMILY_FIXED) >= 0;
    let context: SplitContext | undefined;
    const splitOffer = (inst: VrrpInstance) => {
      context ??= splitContext(ctx.tree);
      const split = familySplit(inst, context, (f) => ctx.file(f));
      if (!split) return {};
      // In a group that was there already, the instance keeps its notify lines: the case arms of its
      // scripts that name it take both new names (a quoted or pattern arm is left to script-unknown-name).
      const scripts = split.group.created ? [] : scriptArms(inst.name, split.names);
      return { suggestions: [splitSuggestion(split, inst.name, scripts)] };
    };
    // The script references of each instance, indexed once for every split of the run.
    let refsOf: Map<string, ScriptRef[]> | undefined;
    const scriptArms = (name: string, names: [string, string]) => {
      if (!refsOf) {
        refsOf = new Map();
        for (const ref of ctx.scripts.refs) {
          if (ref.owner.kind !== 'vrrp_instance') continue;
          const list = refsOf.get(ref.owner.name);
          if (list) list.push(ref);
          else refsOf.set(ref.owner.name, [ref]);
        }
      }
      const out: { file: string; deployed: string; edits: { at: Origin; text: string }[] }[] = [];
      const seen = new Set<string>();
      for (const ref of refsOf.get(name) ?? []) {
        const f = ctx.scripts.file(ref);
        const a = ctx.scripts.analysis(ref);
        const text = f ? ctx.file(f.path)?.text : undefined;
        if (!f || !a?.parsed || text === undefined || seen.has(f.path)) continue;
        seen.add(f.path);
        const edits = a.dispatches
          .filter((d) => d.kind === 'case')
          .flatMap((d) => d.tests)
          .filter(
            (t) =>
              t.literal.text === name &&
              !t.literal.glob &&
              !t.negated &&
              !t.fold &&
              !t.strip &&
              text.slice(t.literal.start, t.literal.end) === name &&
              !/["']/.test(text[t.literal.start - 1] ?? ''),
          )
          .map((t) => ({ at: { file: f.path, start: t.literal.start, end: t.literal.end }, text: names.join('|') }));
        if (edits.length) out.push({ file: f.path, deployed: f.deployed, edits });
      }
      return out;
    };
    return {
      end() {
        for (const inst of vrrpInstances(ctx.tree)) {
          const first = inst.addresses[0];
          if (!first) continue;
          // The upgrade edit, offered once per instance (at its first VIP of the other family), worked
          // out only for an instance that needs it.
          let offered = !fixed;
          const family = inst.nativeIpv6 ? 'ipv6' : first.family;
          // Said only for an instance with an address of the other family (a position is looked up).
          let why = '';
          for (const a of inst.addresses) {
            if (a.family === family) continue;
            why ||= inst.nativeIpv6
              ? `native_ipv6 is set at ${ctx.where(inst.nativeIpv6.keyword.origin)}`
              : `its first address, ${first.token.text} at ${ctx.where(first.token.origin)}, decides`;
            // 1.2.13 already refused unicast peers of the other family; VIPs and source addresses
            // were accepted until 1.2.20.
            if (!fixed && a.kind !== 'peer') continue;
            const change =
              ctx.from && compareVersions(ctx.from, FAMILY_FIXED) < 0 && a.kind === 'vip'
                ? ` This changed in keepalived ${FAMILY_FIXED}: ${formatVersion(ctx.from)} ` +
                  `accepted both families in one instance.`
                : '';
            const visibility =
              compareVersions(ctx.target, SHOWN_BY_T) < 0
                ? ' and only logs it to syslog (keepalived -t does not show it)'
                : '';
            ctx.report({
              messageId: a.kind,
              at: a.token,
              data: {
                family: familyName(a.family),
                instanceFamily: familyName(family),
                address: a.token.text,
                name: inst.name,
                keyword: a.keyword.keyword.text,
                why,
                target: formatVersion(ctx.target),
                visibility,
                change,
              },
              related:
                a === first
                  ? []
                  : [{ origin: first.token.origin, message: `this address makes ${inst.name} ${familyName(family)}` }],
              ...(offered || a.kind !== 'vip' ? {} : splitOffer(inst)),
            });
            if (a.kind === 'vip') offered = true;
            if (a.kind !== 'vip') continue;
            for (const r of routesFrom(inst, a)) {
              const data = {
                dest: r.dest?.text ?? '',
                name: inst.name,
                address: r.src!.text,
                target: formatVersion(ctx.target),
                family: familyName(a.family),
                instanceFamily: familyName(family),
                vipAt: ctx.where(a.token.origin),
              };
              ctx.report({ messageId: 'routeSrc', at: r.src!, data });
            }
          }
        }
      },
    };
  },
});
