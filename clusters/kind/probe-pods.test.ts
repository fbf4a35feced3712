import { describe, expect, it, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kindProfiles } from '../profiles/kind/index.ts';
import type { ExecResult, PodHandle } from '../types.ts';
import { workloadNamespace } from './naming.ts';
import { buildPlan } from './plan.ts';
import { probeServerPods } from './pods.ts';
import { loadKindProfile } from './profiles.ts';
import { fixedIpApp, probePort, probeServerLabel, probeUdpPort } from './workloads.ts';

interface Container { command?: string[]; ports?: Array<{ containerPort: number; protocol?: string }> }
interface Workload {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } } };
}

/**
 * Every Deployment and DaemonSet a kind profile's plan applies (all of its files), as rendered; not the patches a CNI's
 * kustomization lays over its upstream manifest (`<cni>/<cluster>/`), which only touch the CNI's own objects.
 */
function workloadsOf(profile: string): Workload[] {
  const plan = buildPlan(loadKindProfile(profile), { runId: 'unit', dir: '/abs/plan', kindGateway: '172.23.0.1' });
  return Object.entries(plan.files).filter(([file]) => file.endsWith('.yaml') && !/^(calico|flannel)\/[^/]+\//.test(file))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as Workload))
    .filter((w) => w && (w.kind === 'Deployment' || w.kind === 'DaemonSet'));
}

/** A container that serves the probes: the pod servers' script on TCP 8080 and UDP 8081 (workloads.ts podServerScript). */
function serves(c: Container): boolean {
  const script = c.command?.join(' ') ?? '';
  return script.includes(`exec socat TCP-LISTEN:${probePort},fork`) && script.includes(`${probeUdpPort} "$POD_NAME"`)
    && !!c.ports?.some((p) => p.containerPort === probePort) && !!c.ports?.some((p) => p.containerPort === probeUdpPort && p.protocol === 'UDP');
}

const labelled = (w: Workload) => Object.entries(probeServerLabel).every(([k, v]) => w.spec.template.metadata.labels[k] === v);

describe('cluster.pods are the pods that serve probes, selected by a label the workload definitions set', () => {
  test.each(kindProfiles.map((p) => p.name))('%s: a pod template has the probe-server label exactly when its container serves the probes', (name) => {
    for (const w of workloadsOf(name)) {
      expect({ workload: `${w.kind}/${w.metadata.name}`, labelled: labelled(w) })
        .toEqual({ workload: `${w.kind}/${w.metadata.name}`, labelled: w.spec.template.spec.containers.every(serves) });
    }
  });

  it('kind/calico-ipip: fixed-ip (sleep infinity, in the same namespace) is never one of them', async () => {
    const workloads = workloadsOf('calico-ipip');
    const fixed = workloads.find((w) => w.metadata.name === fixedIpApp);
    expect(fixed?.metadata.namespace).toBe(workloadNamespace);
    expect(fixed?.spec.template.spec.containers[0]?.command).toEqual(['sleep', 'infinity']);
    // The API server's answer to a label selector, over the pods these workloads make (equality selectors only).
    const nodes = ['control-plane', 'worker', 'worker2'];
    const all = workloads.filter((w) => (w.metadata.namespace ?? 'default') === workloadNamespace).flatMap((w) =>
      (w.kind === 'DaemonSet' ? nodes : nodes.slice(0, w.spec.replicas ?? 1)).map((node, i): PodHandle & { command: string[] } => ({
        name: `${w.metadata.name}-${i}`, namespace: workloadNamespace, node, addresses: [], labels: w.spec.template.metadata.labels,
        command: w.spec.template.spec.containers[0]?.command ?? [], exec: async (): Promise<ExecResult> => ({ stdout: '', stderr: '', exitCode: 0 }),
      })));
    const kube = {
      pods: async (namespace: string, selector?: string) => all.filter((p) => p.namespace === namespace
        && (selector ?? '').split(',').filter(Boolean).every((term) => { const [k, v] = term.split('='); return p.labels[k!] === v; })),
    };
    const pods = await probeServerPods(kube) as Array<PodHandle & { command: string[] }>;
    expect(all.some((p) => p.name.startsWith(fixedIpApp))).toBe(true);
    expect(pods.map((p) => p.name).filter((n) => n.startsWith(fixedIpApp))).toEqual([]);
    expect(pods.length).toBeGreaterThanOrEqual(6);
    for (const p of pods) expect(p.command.join(' ')).toContain(`TCP-LISTEN:${probePort}`);
  });
});
