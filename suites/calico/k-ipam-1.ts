import { parseIpamCheck, type IpamCheck } from '../../helpers/parsers/calicoctl-ipam-check.ts';
import { defineBehaviour } from '../check.ts';
import { cniIs, feature, kubeOf, kubectl, output } from '../kube-actions.ts';
import { DOCS } from './bgp.ts';

export const FIXED_POD = 'fixed-ip';
export const ANNOTATION = 'cni.projectcalico.org/ipAddrs';

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
  requires: [cniIs('calico'), feature('fixed-ip', `profile starts pod ${FIXED_POD} annotated ${ANNOTATION}`)],
  async probe(cluster) {
    const annotation = await kubectl(cluster, ['get', 'pod', FIXED_POD, '-o', `jsonpath={.metadata.annotations.${ANNOTATION.replace(/\./g, '\\.')}}`]);
    const actual = (await kubectl(cluster, ['get', 'pod', FIXED_POD, '-o', 'jsonpath={.status.podIPs[*].ip}'])).split(/\s+/).filter(Boolean);
    const r = await kubeOf(cluster).run(['calicoctl', 'ipam', 'check']);
    const raw = { annotation, podIPs: actual.join(' '), 'calicoctl ipam check': r.stdout + r.stderr };
    const requested = annotation ? (JSON.parse(annotation) as string[]) : [];
    try {
      return { raw, value: { pod: FIXED_POD, requested, actual, ipamCheck: parseIpamCheck(r.stdout) } };
    } catch (e) {
      return { raw, value: { pod: FIXED_POD, requested, actual, ipamError: `exit ${r.exitCode}: ${(e as Error).message}` } };
    }
  },
  expect: expectFixedIp,
  negativeControls: [
    {
      // Releasing an in-use address leaves it in use without an IPAM allocation: ipam check reports it.
      name: 'fixed address released from IPAM while in use',
      async apply(cluster) {
        const kube = kubeOf(cluster);
        const ip = (await kubectl(cluster, ['get', 'pod', FIXED_POD, '-o', 'jsonpath={.status.podIP}'])).trim();
        await output(`cluster "${cluster.name}"`, (a) => kube.run(a), ['calicoctl', 'ipam', 'release', `--ip=${ip}`, '--force']);
        return {
          what: `IPAM allocation of ${ip} released`,
          undo: async () => { await kubectl(cluster, ['delete', 'pod', FIXED_POD, '--wait']); await kube.waitReady('default', `pod/${FIXED_POD}`); },
        };
      },
      expectFailure: /calicoctl ipam check found \d+ problems, expected 0/,
    },
  ],
});
