import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CALICO_BIRD_CONFIG, meshPeers, peerName } from '../../clusters/lab/datapaths/calico-bird.ts';
import { labelledReflectors } from '../../clusters/lab/datapaths/calico-bgp.ts';
import type { LabProfile } from '../../clusters/lab/types.ts';
import { CALICO_AS } from '../../clusters/profiles/lab/cni/common.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { defineBehaviour } from '../check.ts';
import { kubeOf, kubectl, output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import type { Breakage } from '../types.ts';
import { announceInsideAnotherBlock, birdOn, DOCS, nodeStatuses, type NodeBgp } from './bgp.ts';
import { addBirdPeers, birdclArgv, blockRouteProblems, pollMsOf, sh, untilHolds, type BgpNodeView } from './bgp-bird.ts';
import { meshOnInKind } from './k-rr-1-kind.ts';
import { parseBirdProtocolsAll } from '../../helpers/parsers/birdc-protocols-all.ts';

export const RR_LABEL = 'route-reflector';

/**
 * `reflectors`: the nodes the profile makes reflectors (labelled route-reflector=true), never inferred from sessions;
 * `sessions`: per reflector, its BGP sessions from `birdcl show protocols all` (neighbor and BIRD's Session flags).
 */
export interface RrObservation { reflectors: string[]; nodes: NodeBgp[]; sessions?: Record<string, Array<{ name: string; neighbor?: string; flags: string }>> }

/** The Kubernetes-datastore form of a node's routeReflectorClusterID (Calico docs, configuring BGP route reflectors). */
export const RR_CLUSTER_ID_ANNOTATION = 'projectcalico.org/RouteReflectorClusterID';

/**
 * Clients peer only with the reflectors (`node specific`), all Established; no mesh anywhere; a session from a client
 * to a node that is no reflector is a failure; every node still routes every block, learnt once per reflector on a client.
 */
export function expectRouteReflectors(v: RrObservation): string[] {
  const problems: string[] = [];
  if (v.reflectors.length === 0) problems.push(`no node labelled ${RR_LABEL}=true`);
  const clients = v.nodes.filter((n) => !v.reflectors.includes(n.node));
  for (const n of v.nodes) {
    const mesh = n.status.ipv4Peers.filter((p) => p.type === 'node-to-node mesh');
    if (mesh.length > 0) problems.push(`node ${n.node}: ${mesh.length} node-to-node mesh peers, expected none (BGPConfiguration default nodeToNodeMeshEnabled: false)`);
    if (v.reflectors.includes(n.node)) {
      for (const c of clients) {
        const p = n.status.ipv4Peers.find((x) => x.address === c.address);
        if (c.address && !p) problems.push(`reflector ${n.node}: no BGP session with client ${c.node} (${c.address})`);
        // BIRD prints "route-reflector" among a session's flags when it is configured `rr client` (the template does so with a cluster ID).
        const s = v.sessions?.[n.node]?.find((x) => x.neighbor === c.address);
        if (s && !s.flags.split(/\s+/).includes('route-reflector')) {
          problems.push(`reflector ${n.node}: session ${s.name} with client ${c.node} is no route-reflector session (BIRD Session: ${s.flags || '(none)'}): the node labelled ${RR_LABEL}=true does not reflect (no cluster ID)`);
        }
      }
      continue;
    }
    for (const p of n.status.ipv4Peers) {
      const other = clients.find((c) => c !== n && c.address === p.address);
      if (other) problems.push(`client ${n.node}: ${p.type} session with ${other.node} (${p.address}), which is no reflector: clients peer only with ${v.reflectors.join(', ') || 'the reflectors'}`);
    }
    const toRr = n.status.ipv4Peers.filter((p) => p.type === 'node specific' && !clients.some((c) => c.address === p.address));
    if (toRr.length !== v.reflectors.length) problems.push(`client ${n.node}: ${toRr.length} node specific peers, expected ${v.reflectors.length} (one per reflector)`);
    for (const p of toRr) if (p.info !== 'Established') problems.push(`client ${n.node}: peer ${p.address} is ${p.state}/${p.info}, expected Established`);
  }
  // A client hears each block once per reflector (each reflects it, or owns it); a reflector once, from its owner.
  const copies = (n: BgpNodeView) => (v.reflectors.includes(n.node) ? 1 : Math.max(1, v.reflectors.length));
  return [...problems, ...blockRouteProblems(v.nodes, copies)];
}

export const kRr1 = defineBehaviour<RrObservation>({
  id: 'K-RR-1',
  title: 'route reflectors',
  docs: DOCS.bgp,
  requires: [cni('calico'), feature('route-reflector', 'RR nodes labelled route-reflector=true with routeReflectorClusterID, mesh off, BGPPeer peer-to-rrs')],
  // Node-level probes (and the CNI's own pods): no test workload needed.
  needs: [],
  probe: probeRr,
  expect: expectRouteReflectors,
  negativeControls: [
    {
      name: 'node-to-node mesh turned back on',
      owner: {
        owner: 'nobody (BGPConfiguration default, applied by the plan)', reverts: 'never', breakage: 'changes',
        why: 'the plan applies BGPConfiguration default once with calicoctl and nothing re-applies it: calico-node\'s startup writes '
          + 'ClusterInformation and FelixConfigurations, no BGPConfiguration (node/pkg/lifecycle/startup/startup.go@v3.31.0 ensureDefaultConfig), '
          + 'and kube-controllers (node,loadbalancer in manifests/calico.yaml@v3.31.0) write none',
      },
      async apply(cluster) {
        if (cluster.capabilities.provider === 'lab') return clientSessions(cluster, 'Mesh');
        // On kind: patched through calicoctl; apply and undo wait for confd to re-render BIRD (reflectors get no Mesh_).
        return meshOnInKind(cluster, (await probeRr(cluster)).value.reflectors);
      },
      expectFailure: /node-to-node mesh peers, expected none/,
    },
    {
      name: 'clients peer with each other (a BGPPeer selector too wide)',
      owner: {
        owner: 'nobody (a BGPPeer the control adds)', reverts: 'never', breakage: 'adds',
        why: 'a BGPPeer the control creates; nothing deletes BGPPeers it did not create',
      },
      apply: (cluster) => (cluster.capabilities.provider === 'lab' ? clientSessions(cluster, 'Node') : tooWidePeerOnKind(cluster)),
      expectFailure: /client \S+: node specific session with \S+ \([\d.]+\), which is no reflector/,
    },
    {
      name: 'a node announces a prefix inside another node\'s block',
      owner: {
        owner: 'nobody (an alien blackhole route BIRD learns)', reverts: 'never', breakage: 'adds',
        why: 'BIRD learns an alien kernel route and never deletes it (projectcalico/bird sysdep/unix/krt.c@v0.3.3-208-g1e2ff99d krt_got_route: KRT_SRC_ALIEN -> krt_learn_scan)',
      },
      apply: (cluster) => announceInsideAnotherBlock(cluster, async () => expectRouteReflectors((await probeRr(cluster)).value)),
      expectFailure: /node \S+: routes [\d./]+ via [\d.]+ \(\S+\), inside \S+'s block [\d./]+: a node originates only its own blocks/,
    },
    {
      name: 'the labelled reflector without its cluster ID (no rr client)',
      owner: {
        owner: 'nobody (the cluster ID the plan sets on the node)', reverts: 'never', breakage: 'changes',
        why: 'the plan annotates the reflector once after kind create; no controller writes it back',
      },
      apply: reflectorWithoutClusterId,
      expectFailure: /reflector \S+: session \S+ with client \S+ is no route-reflector session/,
    },
    {
      name: 'every BGP session of the route reflector disabled',
      owner: {
        owner: 'confd (calico-node)', reverts: 'on-event', breakage: 'changes',
        why: 'protocols disabled with birdcl stay down until BIRD is reconfigured with a changed protocol or restarted; confd re-renders bird.cfg '
          + 'only when the datastore changes and reloads BIRD only when the file differs (confd/pkg/resource/template/processor.go@v3.31.0 '
          + 'monitorPrefix, resource.go@v3.31.0 sync: sameConfig, then reload_cmd "sv hup bird")',
        unverified: 'BIRD\'s reconfigure of a CLI-disabled protocol was not read (projectcalico/bird v0.3.3-211-g9111ec3c, metadata.mk@v3.31.0 BIRD_VERSION)',
      },
      async apply(cluster) {
        const [rr] = (await probeRr(cluster)).value.reflectors;
        if (!rr) throw new Error(`failed to break K-RR-1 on "${cluster.name}": no route reflector found`);
        const bird = birdOn(cluster, rr);
        await bird('disable', '"Node_*"');
        // Clients withdraw what the reflector taught them; wait until that shows, so the check sees it.
        await untilHolds(`clients of ${rr} losing its routes`, async () =>
          (expectRouteReflectors((await probeRr(cluster)).value).some((p) => /no route to/.test(p)) ? [] : ['a client still routing every block']), 30_000, pollMsOf(cluster));
        return {
          what: `BIRD protocols Node_* disabled on reflector ${rr}`,
          async undo() {
            await bird('enable', '"Node_*"');
            await untilHolds(`K-RR-1 holding again after re-enabling ${rr}'s sessions`, async () => expectRouteReflectors((await probeRr(cluster)).value), undefined, pollMsOf(cluster));
          },
        };
      },
      expectFailure: /node \S+: no route to \S+'s block [\d./]+ \(expected via [\d.]+ proto bird\)/,
    },
  ],
});

/** Reflectors as the profile makes them: the label on kind nodes; on the lab, the same label in the profile's node specs. */
async function probeRr(cluster: ClusterHandle): Promise<{ raw: Record<string, string>; value: RrObservation }> {
  const { raw, value } = await nodeStatuses(cluster);
  let reflectors: string[];
  if (cluster.capabilities.provider === 'lab') {
    reflectors = labelledReflectors((cluster.profile as LabProfile).nodes, RR_LABEL);
    raw.reflectors = `profile ${cluster.profile.name}: nodes labelled ${RR_LABEL}=true: ${reflectors.join(' ')}`;
  } else {
    const names = await kubectl(cluster, ['get', 'nodes', '-l', `${RR_LABEL}=true`, '-o', 'jsonpath={.items[*].metadata.name}']);
    raw.reflectors = names;
    reflectors = names.split(/\s+/).filter(Boolean);
  }
  const sessions: NonNullable<RrObservation['sessions']> = {};
  // Each reflector's sessions read at once, as nodeStatuses reads the nodes.
  const texts = await Promise.all(reflectors.filter((r) => cluster.nodes.some((n) => n.name === r)).map(async (rr) => [rr, await birdOn(cluster, rr)('show', 'protocols', 'all')] as const));
  for (const [rr, text] of texts) {
    raw[`${rr}: birdcl -s /var/run/calico/bird.ctl show protocols all`] = text;
    sessions[rr] = parseBirdProtocolsAll(text).protocols.filter((p) => p.proto === 'BGP')
      .map((p) => ({ name: p.name, ...(p.details['Neighbor address'] ? { neighbor: p.details['Neighbor address'] } : {}), flags: p.details['Session'] ?? '' }));
  }
  return { raw, value: { reflectors, nodes: value, sessions } };
}

/**
 * The labelled reflector without its cluster ID: confd then writes no `rr client` (bird.cfg.template). Lab: those lines
 * removed from its bird.cfg and `birdcl configure`; kind: the node's RouteReflectorClusterID annotation removed.
 * Apply returns once BIRD's sessions lack the route-reflector flag; undo once K-RR-1 holds again.
 */
async function reflectorWithoutClusterId(cluster: ClusterHandle): Promise<Breakage> {
  const [rr] = (await probeRr(cluster)).value.reflectors;
  if (!rr) throw new Error(`failed to break K-RR-1 on "${cluster.name}": no route reflector found`);
  const flagged = async () => ((await probeRr(cluster)).value.sessions?.[rr] ?? []).some((s) => s.flags.includes('route-reflector'));
  let restore: () => Promise<void>;
  if (cluster.capabilities.provider === 'lab') {
    const node = cluster.node(rr);
    const saved = `${CALICO_BIRD_CONFIG}.before-no-cluster-id`;
    const configure = `${birdclArgv('configure').join(' ')} | grep -E 'Reconfigur(ed|ation in progress)'`;
    await sh(node, [`cp ${CALICO_BIRD_CONFIG} ${saved}`, `sed -i '/rr client;/d; /rr cluster id/d' ${CALICO_BIRD_CONFIG}`, configure]);
    restore = () => sh(node, [`mv ${saved} ${CALICO_BIRD_CONFIG}`, configure]);
  } else {
    const escaped = RR_CLUSTER_ID_ANNOTATION.replace(/\./g, '\\.');
    const id = (await kubectl(cluster, ['get', 'node', rr, '-o', `jsonpath={.metadata.annotations.${escaped}}`])).trim();
    if (!id) throw new Error(`failed to break K-RR-1 on "${cluster.name}": node ${rr} has no ${RR_CLUSTER_ID_ANNOTATION} annotation`);
    await kubectl(cluster, ['annotate', 'node', rr, `${RR_CLUSTER_ID_ANNOTATION}-`]);
    restore = async () => { await kubectl(cluster, ['annotate', 'node', rr, `${RR_CLUSTER_ID_ANNOTATION}=${id}`, '--overwrite']); };
  }
  await untilHolds(`${rr}'s BGP sessions without the route-reflector flag`, async () => ((await flagged()) ? [`${rr} still reflects`] : []), 60_000, pollMsOf(cluster));
  return {
    what: `${rr} without its route reflector cluster ID`,
    async undo() {
      await restore();
      await untilHolds(`K-RR-1 holding again with ${rr}'s cluster ID back`, async () => expectRouteReflectors((await probeRr(cluster)).value), undefined, pollMsOf(cluster));
    },
  };
}

/**
 * Lab: BGP sessions between the clients, as confd writes them: `Mesh_<ip>` (nodeToNodeMeshEnabled: true, the template
 * skips reflectors) or `Node_<ip>` (a BGPPeer whose selectors match client to client). Apply returns once they are
 * Established on both sides; undo once K-RR-1 holds again.
 */
async function clientSessions(cluster: ClusterHandle, kind: 'Mesh' | 'Node'): Promise<Breakage> {
  const { reflectors } = (await probeRr(cluster)).value;
  const clients = cluster.nodes.filter((n) => !reflectors.includes(n.name));
  const ips = clients.map((n) => n.addresses[0] ?? '');
  // Every client's BIRD reconfigured at once (separate nodes).
  const undos = await Promise.all(clients.map((node) => {
    const ip = node.addresses[0] ?? '';
    const peers = meshPeers(ip, ips, CALICO_AS).map((p) => (kind === 'Mesh' ? p : { ...p, name: peerName('Node', p.ip), passive: false }));
    return addBirdPeers(node, ip, peers);
  }));
  const type = kind === 'Mesh' ? 'node-to-node mesh' : 'node specific';
  await untilHolds(`${kind}_ sessions between ${clients.map((n) => n.name).join(', ')} Established`, async () => {
    const nodes = (await probeRr(cluster)).value.nodes.filter((n) => clients.some((c) => c.name === n.node));
    return nodes.flatMap((n) => {
      const up = n.status.ipv4Peers.filter((p) => p.type === type && p.info === 'Established' && clients.some((c) => c.addresses[0] === p.address && c.name !== n.node));
      return up.length === clients.length - 1 ? [] : [`${n.node}: ${up.length} of ${clients.length - 1} client sessions Established`];
    });
  }, 30_000, pollMsOf(cluster));
  return {
    what: `${kind}_ sessions configured in BIRD between clients ${clients.map((n) => n.name).join(', ')}`,
    async undo() {
      await Promise.all(undos.map((undo) => undo()));
      await untilHolds('K-RR-1 holding again with BIRD back on its own config', async () => expectRouteReflectors((await probeRr(cluster)).value), undefined, pollMsOf(cluster));
    },
  };
}

/**
 * kind: a BGPPeer matching clients to clients (`!has(route-reflector)` both ways), as a selector written too wide
 * does; calicoctl reads it from a file in the kube workdir. Undo deletes it and waits until K-RR-1 holds.
 */
async function tooWidePeerOnKind(cluster: ClusterHandle): Promise<Breakage> {
  const kube = kubeOf(cluster);
  const file = 'k-rr-1-too-wide-bgppeer.yaml';
  await writeFile(join(kube.workdir, file), [
    'apiVersion: projectcalico.org/v3', 'kind: BGPPeer', 'metadata:', '  name: k-rr-1-too-wide', 'spec:',
    `  nodeSelector: "!has(${RR_LABEL})"`, `  peerSelector: "!has(${RR_LABEL})"`, '',
  ].join('\n'));
  const calicoctl = (...args: string[]) => output(`cluster "${cluster.name}"`, (a) => kube.run(a), ['calicoctl', ...args]);
  await calicoctl('apply', '-f', file);
  await untilHolds('client-client sessions Established', async () => {
    const v = (await probeRr(cluster)).value;
    return expectRouteReflectors(v).some((p) => /which is no reflector/.test(p)) ? [] : ['no client-client session yet'];
  }, 60_000);
  return {
    what: 'BGPPeer k-rr-1-too-wide (clients to clients) applied',
    async undo() {
      await calicoctl('delete', 'bgppeer', 'k-rr-1-too-wide');
      await untilHolds('K-RR-1 holding again after deleting BGPPeer k-rr-1-too-wide', async () => expectRouteReflectors((await probeRr(cluster)).value));
    },
  };
}
