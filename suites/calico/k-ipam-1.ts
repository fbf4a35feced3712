import { parseIpamCheck, type IpamCheck } from '../../helpers/parsers/calicoctl-ipam-check.ts';
import { defineBehaviour } from '../check.ts';
import { fixedIpAnnotation, fixedIpApp } from '../../clusters/kind/workloads.ts';
import { workloadNamespace } from '../../clusters/kind/naming.ts';
import type { ClusterHandle, PodHandle } from '../../clusters/types.ts';
import { kubeOf, kubectl, output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS } from './bgp.ts';

/** The fixed-ip pods the profile plan deploys (workload set fixed-ip): namespace, label, annotation. */
export const FIXED_NAMESPACE = workloadNamespace;
export const FIXED_SELECTOR = `app=${fixedIpApp}`;
export const ANNOTATION = fixedIpAnnotation;

async function fixedPod(cluster: ClusterHandle): Promise<PodHandle> {
  const [pod] = await kubeOf(cluster).pods(FIXED_NAMESPACE, FIXED_SELECTOR);
  if (!pod) throw new Error(`cluster "${cluster.name}": no pod ${FIXED_SELECTOR} in namespace ${FIXED_NAMESPACE}; the profile's workloads must include fixed-ip`);
  return pod;
}

export interface FixedIpObservation { pod: string; requested: string[]; actual: string[]; ipamCheck?: IpamCheck; ipamError?: string }

/** The pod has exactly the annotated address and `calicoctl ipam check` finds 0 problems. */
export function expectFixedIp(v: FixedIpObservation): string[] {
  const problems: string[] = [];
  if (v.requested.length === 0) problems.push(`pod ${v.pod} has no ${ANNOTATION} annotation`);
  for (const ip of v.requested) if (!v.actual.includes(ip)) problems.push(`pod ${v.pod}: requested ${ip} via ${ANNOTATION}, got ${v.actual.join(', ') || 'no address'}`);
  if (!v.ipamCheck) problems.push(`calicoctl ipam check failed: ${v.ipamError ?? 'no output'}`);
  else if (v.ipamCheck.problems === undefined) problems.push('calicoctl ipam check did not finish ("Check complete" line missing)');
  else if (v.ipamCheck.problems !== 0) problems.push(`calicoctl ipam check found ${v.ipamCheck.problems} problems, expected 0; see the report and "calicoctl ipam release --from-report"`);
  return problems;
}

export const kIpam1 = defineBehaviour<FixedIpObservation>({
  id: 'K-IPAM-1',
  title: 'fixed pod IP',
  docs: DOCS.specificIp,
  requires: [cni('calico'), feature('calico-ipam', 'an enabled Calico IPPool')],
  needs: [{ kind: 'fixed-ip-pod' }],
  async probe(cluster) {
    const pod = await fixedPod(cluster);
    const annotation = await kubectl(cluster, ['-n', pod.namespace, 'get', 'pod', pod.name, '-o', `jsonpath={.metadata.annotations.${ANNOTATION.replace(/\./g, '\\.')}}`]);
    const actual = pod.addresses;
    const r = await kubeOf(cluster).run(['calicoctl', 'ipam', 'check']);
    const raw = { annotation, podIPs: actual.join(' '), 'calicoctl ipam check': r.stdout + r.stderr };
    const requested = annotation ? (JSON.parse(annotation) as string[]) : [];
    try {
      return { raw, value: { pod: pod.name, requested, actual, ipamCheck: parseIpamCheck(r.stdout) } };
    } catch (e) {
      return { raw, value: { pod: pod.name, requested, actual, ipamError: `exit ${r.exitCode}: ${(e as Error).message}` } };
    }
  },
  expect: expectFixedIp,
  negativeControls: [
    {
      // Releasing an in-use address leaves it in use without an IPAM allocation: ipam check reports it.
      name: 'fixed address released from IPAM while in use',
      owner: {
        owner: 'nobody (the IPAM allocation)', reverts: 'never', breakage: 'removes',
        why: 'an allocation is made when a pod is created (the CNI plugin) and released when it is deleted; nothing re-allocates a running pod\'s address',
      },
      async apply(cluster) {
        const kube = kubeOf(cluster);
        const pod = await fixedPod(cluster);
        const ip = pod.addresses[0];
        if (!ip) throw new Error(`pod ${pod.namespace}/${pod.name}: no address to release`);
        await output(`cluster "${cluster.name}"`, (a) => kube.run(a), ['calicoctl', 'ipam', 'release', `--ip=${ip}`, '--force']);
        return {
          what: `IPAM allocation of ${ip} released`,
          // The Deployment starts a new pod, which asks for the same (now free) address again.
          undo: async () => { await kubectl(cluster, ['-n', pod.namespace, 'delete', 'pod', pod.name, '--wait']); await kube.waitReady(pod.namespace, `deployment/${fixedIpApp}`); },
        };
      },
      expectFailure: /calicoctl ipam check found \d+ problems, expected 0/,
    },
  ],
});
