import { defineRule } from '../src/rule-api/index.js';
import { familyName, vrrpInstances, type VrrpInstance } from '../src/model/vrrp.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** 1.2.20 added the check; 2.0.8 made unicast and multicast separate VRID spaces. */
const CHECKED = '1.2.20';
const SPACES = '2.0.8';

/** An earlier instance, with its place among them and its unicast peers. */
interface Seen {
  inst: VrrpInstance;
  order: number;
  peers: string[];
}

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
        // The first earlier instance each later one can conflict with, found by key (a scan of the
        // earlier instances of the same VRID for each was quadratic: 20,000 unicast instances of one
        // VRID took 88 s). `order` tells which of two candidates came first.
        let order = 0;
        /** Multicast (or any, before 2.0.8): VRID, family, interface and, from 2.0.8, mcast_dst_ip. */
        const multicast = new Map<string, Seen>();
        /** Unicast (2.0.8+): VRID, family, local address, peer, and interface ('' for none). */
        const unicastOn = new Map<string, Seen>();
        /** Unicast (2.0.8+): VRID, family, local address and peer, whatever the interface. */
        const unicastAny = new Map<string, Seen>();
        const earlier = (a: Seen | undefined, b: Seen | undefined) => (!a || (b && b.order < a.order) ? b : a);
        for (const inst of vrrpInstances(ctx.tree)) {
          if (names.has(inst.name)) continue; // a second block of that name is skipped (duplicate-name)
          names.add(inst.name);
          const tok = inst.statement.children.find((c) => c.keyword.text === 'virtual_router_id')?.args[0];
          const vrid = tok && /^\d+$/.test(tok.text) ? Number(tok.text) : NaN;
          if (!tok || !(vrid >= 1 && vrid <= 255)) continue;
          const family = inst.nativeIpv6 ? 'ipv6' : (inst.addresses[0]?.family ?? 'ipv4');
          const peers = inst.addresses.filter((a) => a.kind === 'peer' && a.family === family).map((a) => a.token.text);
          const iface = arg(inst, 'interface');
          const me: Seen = { inst, order: order++, peers };
          // Built only for a conflict: ctx.where() resolves a position.
          const where = (o: Seen) => ({
            name: inst.name,
            vrid,
            family: familyName(family),
            other: o.inst.name,
            first: ctx.where(o.inst.statement.keyword.origin),
            target: formatVersion(ctx.target),
          });
          const related = (o: Seen) => [
            {
              origin: o.inst.statement.args[0]?.origin ?? o.inst.statement.keyword.origin,
              message: `${o.inst.name} also uses virtual_router_id ${vrid}`,
            },
          ];
          const space = `${vrid}\0${family}`;
          if (spaces && peers.length > 0) {
            // Unicast: the same local address (unicast_src_ip, else the interface's own: the same
            // interface), the same interface where both name one, and a common peer.
            const src = arg(inst, 'unicast_src_ip') ?? arg(inst, 'mcast_src_ip');
            const local = src ? `src\0${src}` : iface ? `if\0${iface}` : null;
            if (local === null) continue;
            let o: Seen | undefined;
            for (const p of peers) {
              const at = `${space}\0${local}\0${p}`;
              // Without a source address the interface is the local address, in `local` already;
              // with one, an instance on another interface does not conflict.
              o = earlier(
                o,
                src && iface ? earlier(unicastOn.get(`${at}\0${iface}`), unicastOn.get(`${at}\0`)) : unicastAny.get(at),
              );
            }
            if (o) {
              const peer = peers.find((p) => o.peers.includes(p))!;
              ctx.report({ messageId: 'unicast', at: tok, data: { ...where(o), peer }, related: related(o) });
            }
            for (const p of peers) {
              const at = `${space}\0${local}\0${p}`;
              if (!unicastAny.has(at)) unicastAny.set(at, me);
              const on = `${at}\0${src ? iface || '' : ''}`;
              if (src && !unicastOn.has(on)) unicastOn.set(on, me);
            }
            continue;
          }
          // Multicast: the same interface (and from 2.0.8 the same mcast_dst_ip); before 2.0.8 a
          // unicast instance counts too.
          if (!iface) continue;
          const key = `${space}\0${iface}\0${spaces ? (arg(inst, 'mcast_dst_ip') ?? '') : ''}`;
          const o = multicast.get(key);
          if (o) {
            const v = family === 'ipv4' ? 4 : 6;
            const said = spaces
              ? `${o.inst.name} and ${inst.name} both use VRID ${vrid} with IPv${v} on interface ${iface}`
              : `VRID ${vrid} is duplicated on interface ${iface}`;
            ctx.report({ messageId: 'multicast', at: tok, data: { ...where(o), iface, said }, related: related(o) });
          } else multicast.set(key, me);
        }
      },
    };
  },
});
