import { defineRule } from '../src/rule-api/index.js';
import { hookLabel } from '../src/model/scripts.js';
import { vmacInterface } from '../src/model/script-names.js';

export const rule = defineRule({
  meta: {
    id: 'script-interface-name',
    description:
      'A script uses the instance name as an interface name ' +
      "(net.ipv4.conf.$NAME, ip link set $NAME) where the instance's " +
      'interface has another name: the VMAC (vrrp.<VRID> or the use_vmac ' +
      'name) or its `interface`.',
    severity: 'info',
    messages: {
      vmac: {
        message: 'Name "{{name}}" used as an interface in {{script}}: the VMAC of vrrp_instance {{name}} is "{{vmac}}"',
        detail:
          '{{script}} ({{hook}}) uses the name "{{name}}" as an interface name, ' +
          'but vrrp_instance {{name}} has use_vmac, so its interface is ' +
          '"{{vmac}}"{{how}}: the script addresses an interface that does not ' +
          'exist and the VMAC keeps its defaults. Fix: {{fix}}.',
      },
      plain: {
        message:
          'Name "{{name}}" used as an interface in {{script}}: vrrp_instance ' +
          '{{name}} runs on "{{iface}}" (no use_vmac)',
        detail:
          '{{script}} ({{hook}}) uses the name "{{name}}" as an interface name, ' +
          'but vrrp_instance {{name}} has no use_vmac: it runs on interface ' +
          '"{{iface}}", and an interface "{{name}}" exists only if the host has ' +
          'one. Fix: have the script use the interface ("{{iface}}"), or add ' +
          '"use_vmac {{name}}" if a VMAC named after the instance was meant.',
      },
      group: {
        message:
          'Name "{{name}}" used as an interface in {{script}}: {{name}} is a vrrp_sync_group, which has no interface',
        detail:
          '{{script}} ({{hook}}) uses the name "{{name}}" as an interface name, ' +
          'but {{name}} is a vrrp_sync_group, which has no interface of its own. ' +
          "Fix: have the script act on its instances' interfaces.",
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const { instances, groups } = ctx.scripts.named;
        for (const ref of ctx.scripts.refs) {
          const a = ctx.scripts.analysis(ref);
          const f = ctx.scripts.file(ref);
          if (!a?.parsed || !f || !a.interfaceUses.length) continue;
          const related = a.interfaceUses.map((u) => ({
            origin: { file: f.path, ...u },
            message: 'the script uses the name as an interface name here',
          }));
          for (const name of ref.names) {
            const data = { script: f.deployed, hook: hookLabel(ref), name };
            const inst = instances.get(name);
            if (!inst) {
              if (groups.has(name))
                ctx.report({
                  messageId: 'group',
                  at: ref.commandString.origin,
                  via: ref.commandString.via,
                  related,
                  data,
                });
              continue;
            }
            const iface = vmacInterface(inst, ctx.tree);
            if (iface.name === name || !iface.name) continue;
            const valid = name.length <= 15 && !/[\s/:]/.test(name);
            ctx.report({
              messageId: iface.vmac ? 'vmac' : 'plain',
              at: ref.commandString.origin,
              via: ref.commandString.via,
              related,
              data: {
                ...data,
                vmac: iface.name,
                iface: iface.name,
                how: iface.named
                  ? ` (named on its use_vmac line, ${ctx.where(iface.named)})`
                  : ` (keepalived's default name, ${iface.prefix}.<virtual_router_id>)`,
                fix:
                  `${valid ? `name the VMAC after the instance ("use_vmac ${name}"), or ` : ''}have ` +
                  `the script use "${iface.name}"`,
              },
            });
          }
        }
      },
    };
  },
});
