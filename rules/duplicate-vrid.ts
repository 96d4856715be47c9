import { defineRule } from '../src/rule-api/index.js';
import { familyName, vrrpInstances, type VrrpInstance } from '../src/model/vrrp.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** 1.2.20 added the check; 2.0.8 made unicast and multicast separate VRID spaces. */
const CHECKED = '1.2.20';
const SPACES = '2.0.8';

const arg = (i: VrrpInstance, kw: string): string | undefined =>
  i.statement.children.find((c) => c.keyword.text === kw)?.args[0]?.text;

export const rule = defineRule({
  meta: {
    id: 'duplicate-vrid',
    description:
      'Two vrrp_instance blocks with the same virtual_router_id on the same ' +
      'interface and address family: keepalived refuses to start VRRP.',
    severity: 'error',
    messages: {
      multicast: {
        message:
          'VRID {{vrid}} of vrrp_instance {{name}} is already used on {{iface}} ' +
          '({{family}}) by {{other}} at {{first}}: keepalived refuses to start ' +
          'VRRP',
        detail:
          'Both instances use VRID {{vrid}} with {{family}} on interface ' +
          '{{iface}}: keepalived {{target}} reports "{{said}}" and the VRRP ' +
          'process refuses to start, so no instance comes up. Fix: give one of ' +
          'them another virtual_router_id (the same change on every node of that ' +
          'instance).',
      },
      unicast: {
        message:
          'VRID {{vrid}} of unicast vrrp_instance {{name}} is already used by ' +
          '{{other}} at {{first}} (same local address, peer {{peer}})',
        detail:
          'Both are {{family}} instances with the same local address and the ' +
          'common unicast peer {{peer}}: keepalived {{target}} reports ' +
          '"({{other}}) duplicate VRID conflict with {{name}} VRID {{vrid}}" and ' +
          'the VRRP process refuses to start. Fix: give one of them another ' +
          'virtual_router_id (on every node).',
      },
    },
  },
  create(ctx) {
    const spaces = compareVersions(ctx.target, SPACES) >= 0;
    return {
      end() {
        if (compareVersions(ctx.target, CHECKED) < 0) return;
        const names = new Set<string>();
        // Earlier instances by VRID and family: only those can conflict (linear, not pairwise).
        const seen = new Map<
          string,
          { inst: VrrpInstance; vrid: number; family: string; iface: string | undefined; peers: string[] }[]
        >();
        for (const inst of vrrpInstances(ctx.tree)) {
          if (names.has(inst.name)) continue; // a second block of that name is skipped (duplicate-name)
          names.add(inst.name);
          const tok = inst.statement.children.find((c) => c.keyword.text === 'virtual_router_id')?.args[0];
          const vrid = tok && /^\d+$/.test(tok.text) ? Number(tok.text) : NaN;
          if (!tok || !(vrid >= 1 && vrid <= 255)) continue;
          const family = inst.nativeIpv6 ? 'ipv6' : (inst.addresses[0]?.family ?? 'ipv4');
          const peers = inst.addresses.filter((a) => a.kind === 'peer' && a.family === family).map((a) => a.token.text);
          const iface = arg(inst, 'interface');
          const me = { inst, vrid, family, iface, peers };
          const key = `${vrid}/${family}`;
          let same = seen.get(key);
          if (!same) seen.set(key, (same = []));
          // Built only for a conflict: ctx.where() resolves a position (and a closure made in the
          // loop below is allocated at every turn, conflict or not: 10,000 instances, 200,000 turns).
          const where = (o: (typeof same)[number]) => ({
            name: inst.name,
            vrid,
            family: familyName(family),
            other: o.inst.name,
            first: ctx.where(o.inst.statement.keyword.origin),
            target: formatVersion(ctx.target),
          });
          const related = (o: (typeof same)[number]) => [
            {
              origin: o.inst.statement.args[0]?.origin ?? o.inst.statement.keyword.origin,
              message: `${o.inst.name} also uses virtual_router_id ${vrid}`,
            },
          ];
          for (const o of same) {
            const uni = spaces && peers.length > 0;
            if (spaces && o.peers.length > 0 !== uni) continue;
            if (uni) {
              if (o.iface && iface && o.iface !== iface) continue;
              // Local address: unicast_src_ip, else the interface's own (same interface, same address).
              const src = arg(inst, 'unicast_src_ip') ?? arg(inst, 'mcast_src_ip');
              const osrc = arg(o.inst, 'unicast_src_ip') ?? arg(o.inst, 'mcast_src_ip');
              if (src && osrc ? src !== osrc : src || osrc || !iface || iface !== o.iface) continue;
              const peer = peers.find((p) => o.peers.includes(p));
              if (!peer) continue;
              ctx.report({ messageId: 'unicast', at: tok, data: { ...where(o), peer }, related: related(o) });
            } else {
              if (!iface || iface !== o.iface) continue;
              if (spaces && (arg(inst, 'mcast_dst_ip') ?? '') !== (arg(o.inst, 'mcast_dst_ip') ?? '')) continue;
              const v = family === 'ipv4' ? 4 : 6;
              const said = spaces
                ? `${o.inst.name} and ${inst.name} both use VRID ${vrid} with IPv${v} on interface ${iface}`
                : `VRID ${vrid} is duplicated on interface ${iface}`;
              ctx.report({ messageId: 'multicast', at: tok, data: { ...where(o), iface, said }, related: related(o) });
            }
            break;
          }
          same.push(me);
        }
      },
    };
  },
});
