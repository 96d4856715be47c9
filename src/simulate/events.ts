/**
 * Single failures from the steady state, and the recovery back from each: what keepalived does on
 * every node, and the notifications it sends. Events, in this order for each node:
 *
 *   node-down / node-recover            keepalived killed (power lost: no advert, no notify_stop) / started again
 *   interface-down / interface-recover  an interface of the node: the instances on it, or tracking it with
 *                                       weight 0, go FAULT; with a weight, their priority moves
 *   track-fail / track-recover          a vrrp_script (or track_process, track_bfd) fails: FAULT (weight 0)
 *                                       or the priority moves by the weight
 *
 * The rules, checked against keepalived 2.2.7 in network namespaces (test/simulate-netns.test.ts):
 * - a running MASTER stays MASTER until a BACKUP of higher priority that preempts (no `nopreempt`,
 *   or the address owner) takes over; equal priority never preempts. With no MASTER left (down or
 *   FAULT), the highest priority left takes over (a tie: the higher primary address, unknown here);
 * - a sync group moves together: one member in FAULT puts every member of the group in FAULT;
 * - a restarted node enters BACKUP first (notify BACKUP), then MASTER if it preempts (the address
 *   owner too, at once); a node leaving FAULT enters BACKUP first too;
 * - each state entered runs, for an instance, `notify_<state>` as written and `notify` with
 *   `INSTANCE <name> <STATE> <priority>` appended; for a sync group, its own `notify_<state>` and
 *   `notify` with `GROUP <name> <STATE> 0`; and writes `INSTANCE "<name>" <STATE> <priority>` (or
 *   `GROUP "<name>" <STATE> 0`) to notify_fifo / vrrp_notify_fifo.
 *
 * Example: gw1 down -> gw2 MASTER of gateway_v4; notify default-route.sh INSTANCE gateway_v4 MASTER 100,
 * handled: false (the script matches only "gateway").
 */
import type { ClusterInstance, ClusterModel, ClusterNode } from '../cluster/types.js';
import { clampPriority } from '../cluster/model.js';
import type { ScriptRef } from '../model/scripts.js';
import { handles, testMatches } from '../scripts/names.js';
import type { SteadyRouter } from './steady.js';
import { syncGroupsOf, trackedBy, type SyncGroup, type Tracked, type TrackKind } from './tracked.js';

export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT';

export interface Notification {
  node: string;
  /** notify, notify_master, ... (of the instance or the sync group), or notify_fifo / vrrp_notify_fifo. */
  hook: string;
  /** The script run (the deployed path), or for a FIFO the FIFO's path. */
  script: string;
  /** The argv keepalived execs (empty for a FIFO line). */
  argv: string[];
  /** The line written to the FIFO. */
  line?: string;
  /** Some branch of the script runs for this name (true also when the script does not dispatch on the name). */
  handled: boolean;
  /** The arm that matches the name (null: the default branch, no dispatch, or none runs). */
  branch: { file: string; line: number } | null;
}

export type EventKind =
  | 'node-down'
  | 'node-recover'
  | 'interface-down'
  | 'interface-recover'
  | 'track-fail'
  | 'track-recover';

export interface SimEventSpec {
  kind: EventKind;
  node: string;
  /** interface-*: the interface. */
  interface?: string;
  /** track-*: what is tracked and its name. */
  track?: Exclude<TrackKind, 'interface'>;
  name?: string;
}

export interface EventMember {
  node: string;
  state: VrrpState | 'DOWN';
  priority: number;
}

export interface EventRouter {
  instance: string;
  /** The MASTER (null: none, several, or a tie). */
  master: string | null;
  masters: string[];
  backup: string[];
  fault: string[];
  down: string[];
  members: EventMember[];
}

export interface EventProblem {
  kind: 'no-master' | 'two-masters' | 'tie' | 'sync-group-split' | 'unhandled';
  message: string;
}

export interface SimEvent {
  event: SimEventSpec;
  /** The virtual routers a member of which changes state or priority (the others stay as they were). */
  routers: EventRouter[];
  notifications: Notification[];
  problems: EventProblem[];
  /** What keepalived ignores here (a weight in a sync group), for the reader. */
  notes: string[];
}

interface World {
  down: Set<ClusterNode>;
  /** `${node.label}\0${kind}\0${name}` of what has failed. */
  failed: Set<string>;
}

interface Outcome {
  /** Per router: the state and priority of each member (of the routers computed; the others: base). */
  members: Map<ClusterInstance, { state: VrrpState | 'DOWN'; priority: number }>;
  /** Per router computed (by index in cluster.groups): its MASTERs, and whether they tie. */
  masters: Map<number, string[]>;
  ties: Map<number, boolean>;
  /**
   * The outcome the routers not computed keep (a failure touches few routers of a large cluster:
   * copying every router's MASTERs for each event was quadratic).
   */
  base: Outcome | null;
}

const memberOf = (o: Outcome, i: ClusterInstance): { state: VrrpState | 'DOWN'; priority: number } | undefined =>
  o.members.get(i) ?? (o.base ? memberOf(o.base, i) : undefined);

const mastersOf = (o: Outcome, k: number): string[] => o.masters.get(k) ?? (o.base ? mastersOf(o.base, k) : []);

const tieOf = (o: Outcome, k: number): boolean => o.ties.get(k) ?? (o.base ? tieOf(o.base, k) : false);

const key = (node: ClusterNode, kind: TrackKind, name: string) => `${node.label}\0${kind}\0${name}`;

export class Simulation {
  private readonly groupOf = new Map<ClusterInstance, SyncGroup>();
  private readonly tracked = new Map<ClusterInstance, Tracked[]>();
  private readonly splitBrain: boolean[];
  /** The routers a node's instances belong to, and those a failed object can move (its trackers' and their groups'). */
  private readonly routersOfNode = new Map<ClusterNode, Set<number>>();
  private readonly routersOfKey = new Map<string, Set<number>>();
  private readonly routerOf = new Map<ClusterInstance, number>();
  /** Per node: the indexes among its instances of each router's (instancesIn). */
  private readonly nodeRouters = new Map<ClusterNode, Map<number, number[]>>();

  /** The sync groups of every node with a member of each name, and the place of each group among them. */
  private readonly groupsWithName = new Map<string, SyncGroup[]>();
  private readonly groupOrder = new Map<SyncGroup, number>();

  constructor(
    private readonly cluster: ClusterModel,
    private readonly steady: SteadyRouter[],
    private readonly rel: (f: string) => string,
  ) {
    for (const n of cluster.nodes)
      for (const g of syncGroupsOf(n)) {
        this.groupOrder.set(g, this.groupOrder.size);
        for (const m of g.members) {
          this.groupOf.set(m, g);
          const list = this.groupsWithName.get(m.name);
          if (!list) this.groupsWithName.set(m.name, [g]);
          else if (list.at(-1) !== g) list.push(g);
        }
      }
    for (const n of cluster.nodes) for (const i of n.instances) this.tracked.set(i, trackedBy(i, this.groupOf.get(i)));
    this.splitBrain = steady.map((r) => r.problems.some((p) => p.kind === 'split-brain'));
    const routerOf = this.routerOf;
    cluster.groups.forEach((g, k) => {
      for (const i of g.members) routerOf.set(i, k);
    });
    const add = (m: Map<string | ClusterNode, Set<number>>, k: string | ClusterNode, v: number | undefined) => {
      if (v === undefined) return;
      const set = m.get(k) ?? new Set<number>();
      set.add(v);
      m.set(k, set);
    };
    for (const n of cluster.nodes)
      for (const i of n.instances) {
        add(this.routersOfNode as Map<string | ClusterNode, Set<number>>, n, routerOf.get(i));
        const siblings = this.groupOf.get(i)?.members ?? [i];
        for (const t of this.tracked.get(i) ?? [])
          for (const x of siblings)
            add(this.routersOfKey as Map<string | ClusterNode, Set<number>>, key(n, t.kind, t.name), routerOf.get(x));
      }
  }

  /** The routers a world (one failure) can move: their indexes in cluster.groups, in order. */
  private touched(w: World): number[] {
    const out = new Set<number>();
    for (const n of w.down) for (const k of this.routersOfNode.get(n) ?? []) out.add(k);
    for (const f of w.failed) for (const k of this.routersOfKey.get(f) ?? []) out.add(k);
    return [...out].sort((a, b) => a - b);
  }

  /** The instance's priority and whether it is in FAULT (itself, or a member of its sync group). */
  private status(w: World, i: ClusterInstance): { fault: boolean; priority: number } {
    const own = this.ownStatus(w, i);
    const g = this.groupOf.get(i);
    const fault = own.fault || (g?.members.some((m) => m !== i && this.ownStatus(w, m).fault) ?? false);
    return { fault, priority: own.priority };
  }

  /**
   * `starting`: keepalived has just started, its check scripts have not reported yet: they count
   * neither way (keepalived 2.2.7 notifies "BACKUP 100" at start for priority 100 and a script of weight +10).
   */
  private ownStatus(w: World, i: ClusterInstance, starting = false): { fault: boolean; priority: number } {
    let fault = false;
    let total = i.priority;
    for (const t of this.tracked.get(i) ?? []) {
      if (t.ignored || (starting && t.kind !== 'interface')) continue;
      const failed = w.failed.has(key(i.node, t.kind, t.name));
      if (t.kind === 'file') continue; // its value is not known offline
      // A positive weight counts while up, a negative one while down; `reverse` negates it (the
      // priority drops while up, rises while down), and with weight 0 the instance is in FAULT while up.
      const value = t.weight * (t.reverse ? -1 : 1);
      if (t.weight === 0) fault ||= t.reverse ? !failed : failed;
      else if (t.weight > 0 && !failed) total += value;
      else if (t.weight < 0 && failed) total += value;
    }
    return { fault, priority: clampPriority(i.priority, total) };
  }

  /**
   * Who is what once keepalived settles, from the MASTERs before (prev: per router); only the
   * routers `only` names are computed, the others keep `base`.
   */
  settle(w: World, prev: Outcome | null, base: Outcome | null = null, only: number[] | null = null): Outcome {
    const members: Outcome['members'] = new Map();
    const masters: Outcome['masters'] = new Map();
    const ties: Outcome['ties'] = new Map();
    for (const k of only ?? this.cluster.groups.keys()) {
      const g = this.cluster.groups[k]!;
      const running: { i: ClusterInstance; priority: number; preempts: boolean }[] = [];
      for (const i of g.members) {
        if (w.down.has(i.node)) {
          members.set(i, { state: 'DOWN', priority: i.priority });
          continue;
        }
        const s = this.status(w, i);
        members.set(i, { state: s.fault ? 'FAULT' : 'BACKUP', priority: s.priority });
        if (!s.fault) running.push({ i, priority: s.priority, preempts: !i.nopreempt || s.priority === 255 });
      }
      let won: typeof running = [];
      if (this.splitBrain[k]) won = running;
      else if (running.length) {
        const was = prev ? mastersOf(prev, k) : [];
        const before = was.length === 1 ? running.find((r) => r.i.node.label === was[0]) : undefined;
        const pool = before
          ? running.filter((r) => r !== before && r.priority > before.priority && r.preempts)
          : running;
        if (before && !pool.length) won = [before];
        else {
          const top = Math.max(...pool.map((r) => r.priority));
          won = pool.filter((r) => r.priority === top);
        }
      }
      const tie = !this.splitBrain[k] && won.length > 1;
      ties.set(k, tie);
      masters.set(k, tie ? [] : won.map((r) => r.i.node.label));
      if (!tie) for (const r of won) members.get(r.i)!.state = 'MASTER';
    }
    return { members, masters, ties, base };
  }

  steadyOutcome(): Outcome {
    const w: World = { down: new Set(), failed: new Set() };
    const o = this.settle(w, null);
    // The steady state as steady.ts computed it (start-up rules: the address owner, state MASTER).
    this.steady.forEach((r, k) => {
      o.masters.set(k, r.masters);
      o.ties.set(
        k,
        r.problems.some((p) => p.kind === 'tie'),
      );
      for (const i of this.cluster.groups[k]!.members) {
        const m = o.members.get(i)!;
        if (m.state !== 'FAULT') m.state = r.masters.includes(i.node.label) ? 'MASTER' : 'BACKUP';
      }
    });
    return o;
  }

  /**
   * Every single failure and the recovery from it, one at a time (the caller writes each out: two
   * nodes of 10,000 instances give 90 MB of JSON, which need not all be held at once).
   */
  *events(): Generator<SimEvent> {
    const steady = this.steadyOutcome();
    const healthy: World = { down: new Set(), failed: new Set() };
    const pair = (
      fail: SimEventSpec,
      recover: SimEventSpec,
      world: World,
      notes: string[],
      restarted: ClusterNode | null,
    ): SimEvent[] => {
      const only = this.touched(world);
      const failed = this.settle(world, steady, steady, only);
      const back = this.settle(healthy, failed, failed, only);
      return [
        this.event(fail, steady, failed, null, notes, only),
        this.event(recover, failed, back, restarted, notes, only),
      ];
    };
    for (const n of this.cluster.nodes) {
      if (this.cluster.nodes.length < 2) break;
      yield* pair(
        { kind: 'node-down', node: n.label },
        { kind: 'node-recover', node: n.label },
        { down: new Set([n]), failed: new Set() },
        [],
        n,
      );
    }
    for (const n of this.cluster.nodes) {
      const all = n.instances.flatMap((i) => (this.tracked.get(i) ?? []).map((t) => ({ i, t })));
      const byKey = new Map<string, { i: ClusterInstance; t: Tracked }[]>();
      for (const x of all) {
        const list = byKey.get(`${x.t.kind}\0${x.t.name}`);
        if (list) list.push(x);
        else byKey.set(`${x.t.kind}\0${x.t.name}`, [x]);
      }
      const ifaces = [...new Set(all.filter((x) => x.t.kind === 'interface').map((x) => x.t.name))];
      for (const name of ifaces) {
        const notes = this.notesFor(byKey, 'interface', name);
        yield* pair(
          { kind: 'interface-down', node: n.label, interface: name },
          { kind: 'interface-recover', node: n.label, interface: name },
          { down: new Set(), failed: new Set([key(n, 'interface', name)]) },
          notes,
          null,
        );
      }
      const tracks = all.filter((x) => x.t.kind !== 'interface' && x.t.kind !== 'file');
      const seen = new Set<string>();
      for (const { t } of tracks) {
        if (seen.has(`${t.kind}\0${t.name}`)) continue;
        seen.add(`${t.kind}\0${t.name}`);
        const track = t.kind as Exclude<TrackKind, 'interface'>;
        yield* pair(
          { kind: 'track-fail', node: n.label, track, name: t.name },
          { kind: 'track-recover', node: n.label, track, name: t.name },
          { down: new Set(), failed: new Set([key(n, t.kind, t.name)]) },
          this.notesFor(byKey, t.kind, t.name),
          null,
        );
      }
    }
  }

  /** `tracked`: what a node tracks by `${kind}\0${name}`, with the instance tracking it. */
  private notesFor(
    tracked: Map<string, { i: ClusterInstance; t: Tracked }[]>,
    kind: TrackKind,
    name: string,
  ): string[] {
    return (tracked.get(`${kind}\0${name}`) ?? [])
      .filter((x) => x.t.ignored)
      .map((x) => `${x.i.name} on ${x.i.node.label}: ${x.t.ignored}`);
  }

  private event(
    spec: SimEventSpec,
    before: Outcome,
    after: Outcome,
    restarted: ClusterNode | null,
    notes: string[],
    only: number[],
  ): SimEvent {
    const routers: EventRouter[] = [];
    const problems: EventProblem[] = [];
    for (const k of only) {
      const g = this.cluster.groups[k]!;
      const members = g.members.map((i) => ({ node: i.node.label, ...memberOf(after, i)! }));
      const masters = mastersOf(after, k);
      // Only the routers a member of which changes state or priority: the output stays in
      // proportion to what happens, not to the size of the cluster times the number of events.
      const moved = g.members.some((i) => {
        const [x, y] = [memberOf(before, i), memberOf(after, i)];
        return x?.state !== y?.state || x?.priority !== y?.priority;
      });
      if (!moved) continue;
      const router: EventRouter = {
        instance: g.members[0]!.name,
        master: masters.length === 1 ? masters[0]! : null,
        masters,
        backup: members.filter((m) => m.state === 'BACKUP').map((m) => m.node),
        fault: members.filter((m) => m.state === 'FAULT').map((m) => m.node),
        down: members.filter((m) => m.state === 'DOWN').map((m) => m.node),
        members,
      };
      routers.push(router);
      if (tieOf(after, k))
        problems.push({
          kind: 'tie',
          message:
            `${router.instance}: ${members.filter((m) => m.state === 'BACKUP').length} nodes tie on priority: ` +
            'the one with the higher primary address is MASTER (not known offline)',
        });
      else if (masters.length > 1)
        problems.push({ kind: 'two-masters', message: `${router.instance}: ${masters.join(' and ')} are all MASTER` });
      // A single node has no MASTER once it fails, by design: only a cluster's router is a finding.
      else if (!masters.length && this.cluster.nodes.length > 1)
        problems.push({
          kind: 'no-master',
          message:
            `${router.instance}: no node is MASTER (${members.map((m) => `${m.node} ${m.state}`).join(', ')}): ` +
            'its addresses are down',
        });
    }
    // The sync groups (of any node) with a member named as a router listed, in node and group order.
    const split = new Set<SyncGroup>();
    for (const x of routers) for (const g of this.groupsWithName.get(x.instance) ?? []) split.add(g);
    for (const g of [...split].sort((a, b) => this.groupOrder.get(a)! - this.groupOrder.get(b)!)) {
      const states = new Set(g.members.map((i) => memberOf(after, i)?.state));
      if (states.has('MASTER') && states.has('BACKUP'))
        problems.push({
          kind: 'sync-group-split',
          message:
            `vrrp_sync_group ${g.name} on ${g.members[0]!.node.label} would be MASTER of some members ` +
            'and BACKUP of others',
        });
    }
    const notifications = this.cluster.nodes.flatMap((n) =>
      this.nodeNotifications(n, before, after, restarted === n, only),
    );
    for (const x of notifications)
      if (!x.handled)
        problems.push({
          kind: 'unhandled',
          message: `${x.script} on ${x.node} gets "${x.line ?? x.argv.slice(1).join(' ')}" and no branch runs`,
        });
    return { event: spec, routers, notifications, problems, notes };
  }

  /** The states entered, in order, by something going from `was` to `is`. */
  private entered(was: VrrpState | 'DOWN', is: VrrpState | 'DOWN', restarted: boolean): VrrpState[] {
    if (is === 'DOWN') return [];
    // Checked with keepalived 2.2.7: the address owner (priority 255) too notifies BACKUP, then MASTER at once.
    if (restarted) return is === 'MASTER' ? ['BACKUP', 'MASTER'] : [is];
    if (was === is) return [];
    if (was === 'FAULT' && is === 'MASTER') return ['BACKUP', 'MASTER'];
    return [is];
  }

  private nodeNotifications(
    n: ClusterNode,
    before: Outcome,
    after: Outcome,
    restarted: boolean,
    only: number[] | null,
  ): Notification[] {
    const out: Notification[] = [];
    const state = (o: Outcome, i: ClusterInstance) => memberOf(o, i)?.state ?? 'DOWN';
    const groupState = (o: Outcome, g: SyncGroup): VrrpState | 'DOWN' => {
      const s = g.members.map((i) => state(o, i));
      if (s.includes('DOWN')) return 'DOWN';
      if (s.includes('FAULT')) return 'FAULT';
      return s.every((x) => x === 'MASTER') ? 'MASTER' : 'BACKUP';
    };
    const grouped = new Set<SyncGroup>();
    // Only the instances of the routers computed (a restarted node's are all among them).
    for (const i of this.instancesIn(n, only)) {
      if (!memberOf(after, i)) continue;
      const priority = memberOf(after, i)!.priority;
      const init = restarted ? this.ownStatus({ down: new Set(), failed: new Set() }, i, true).priority : priority;
      const states = this.entered(state(before, i), state(after, i), restarted);
      // A restarted node enters BACKUP before its scripts report: the priority without their weights.
      states.forEach((s, k) =>
        out.push(...this.notify(n, 'vrrp_instance', i.name, s, restarted && k === 0 ? init : priority)),
      );
      const g = this.groupOf.get(i);
      if (g && !grouped.has(g)) {
        grouped.add(g);
        for (const s of this.entered(groupState(before, g), groupState(after, g), restarted))
          out.push(...this.notify(n, 'vrrp_sync_group', g.name, s, 0));
      }
    }
    return out;
  }

  /**
   * The instances of `n` in its order, all or those of the routers `only` (an event moves a few
   * routers: going over all the node's instances for each event was quadratic, two nodes of 10,000
   * instances took most of a minute).
   */
  private instancesIn(n: ClusterNode, only: number[] | null): readonly ClusterInstance[] {
    if (only === null) return n.instances;
    let byRouter = this.nodeRouters.get(n);
    if (!byRouter) {
      byRouter = new Map();
      n.instances.forEach((i, k) => {
        const r = this.routerOf.get(i) ?? -1;
        const list = byRouter!.get(r);
        if (list) list.push(k);
        else byRouter!.set(r, [k]);
      });
      this.nodeRouters.set(n, byRouter);
    }
    const at: number[] = [];
    for (const r of only) for (const k of byRouter.get(r) ?? []) at.push(k);
    return at.sort((a, b) => a - b).map((k) => n.instances[k]!);
  }

  private notify(
    n: ClusterNode,
    kind: 'vrrp_instance' | 'vrrp_sync_group',
    name: string,
    state: VrrpState,
    priority: number,
  ) {
    const hooks = new Set(['notify', `notify_${state.toLowerCase()}`]);
    const type = kind === 'vrrp_instance' ? 'INSTANCE' : 'GROUP';
    const out: Notification[] = [];
    const refs = (hooksOf(n).get(`${kind}\0${name}`) ?? []).filter((r) => hooks.has(r.hook));
    // notify_<state> first, then notify (vrrp_notify.c runs the specific script, then the generic one).
    refs.sort((a, b) => (a.hook === 'notify' ? 1 : 0) - (b.hook === 'notify' ? 1 : 0));
    for (const ref of refs) {
      if (!ref.command) continue;
      const written = [ref.command.text, ...ref.args.map((a) => a.text)];
      const argv = ref.hook === 'notify' ? [...written, type, name, state, String(priority)] : written;
      // The name where the script reads it: passed by `notify`, or written in the line.
      const seen = ref.hook === 'notify' ? name : ref.nameWritten ? (ref.names[0] ?? '') : '';
      out.push({ node: n.label, hook: ref.hook, ...this.analysed(n, ref, seen), argv });
    }
    for (const { fifo, reader } of fifosOf(n)) {
      const line = `${type} "${name}" ${state} ${priority}`;
      const a = reader?.command ? this.analysed(n, reader, name) : { script: fifo.path, handled: true, branch: null };
      out.push({
        node: n.label,
        hook: fifo.hook,
        script: fifo.path,
        argv: [],
        line,
        handled: a.handled,
        branch: a.branch,
      });
    }
    return out;
  }

  /** What the script does for this name, from the script analysis. */
  private analysed(n: ClusterNode, ref: ScriptRef, name: string): Pick<Notification, 'script' | 'handled' | 'branch'> {
    const file = n.loaded.scripts.file(ref);
    const a = n.loaded.scripts.analysis(ref);
    let handled = true;
    let branch: Notification['branch'] = null;
    if (a?.parsed && a.dispatches.length) {
      handled = a.dispatches.some((d) => handles(d, name));
      const arm = a.dispatches
        .flatMap((d) => d.tests)
        .find((t) => !t.negated && !t.missingQuotes && testMatches(t, name));
      const sf = file?.source;
      if (arm && sf) branch = { file: this.rel(sf.path), line: sf.index.position(arm.literal.start).line };
    }
    return { script: file?.deployed ?? ref.command?.text ?? '', handled, branch };
  }

  /** Notifications at start-up (every node started together): BACKUP, then MASTER for the winners. */
  startup(): Notification[] {
    const none: Outcome = { members: new Map(), masters: new Map(), ties: new Map(), base: null };
    const steady = this.steadyOutcome();
    return this.cluster.nodes.flatMap((n) => this.nodeNotifications(n, none, steady, true, null));
  }
}

/**
 * A node's script references by the block that owns them, and its FIFOs with the script that reads
 * each: worked out once per node (they were searched among all of its references and top-level
 * statements for every notification: two nodes of 10,000 instances took minutes).
 */
const hookIndex = new WeakMap<ClusterNode, Map<string, ScriptRef[]>>();
function hooksOf(n: ClusterNode): Map<string, ScriptRef[]> {
  let byOwner = hookIndex.get(n);
  if (byOwner) return byOwner;
  byOwner = new Map();
  for (const r of n.pass.refs) {
    const k = `${r.owner.kind}\0${r.owner.name}`;
    const list = byOwner.get(k);
    if (list) list.push(r);
    else byOwner.set(k, [r]);
  }
  hookIndex.set(n, byOwner);
  return byOwner;
}

const fifoIndex = new WeakMap<ClusterNode, { fifo: { hook: string; path: string }; reader: ScriptRef | undefined }[]>();
function fifosOf(n: ClusterNode): { fifo: { hook: string; path: string }; reader: ScriptRef | undefined }[] {
  let out = fifoIndex.get(n);
  if (!out) {
    out = fifos(n).map((fifo) => ({
      fifo,
      reader: n.pass.refs.find((r) => r.owner.kind === 'global_defs' && r.hook === `${fifo.hook}_script`),
    }));
    fifoIndex.set(n, out);
  }
  return out;
}

/** notify_fifo (every event) and vrrp_notify_fifo (VRRP events) of global_defs: both get the VRRP lines. */
function fifos(n: ClusterNode): { hook: string; path: string }[] {
  const globals = n.pass.tree.top.filter((t) => t.def && t.keyword.text === 'global_defs').flatMap((t) => t.children);
  const out: { hook: string; path: string }[] = [];
  for (const hook of ['notify_fifo', 'vrrp_notify_fifo']) {
    const st = globals.filter((c) => c.def && c.keyword.text === hook).at(-1);
    const p = st?.args[0]?.text;
    if (p) out.push({ hook, path: p });
  }
  return out;
}
