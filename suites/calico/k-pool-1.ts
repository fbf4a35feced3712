import { defineBehaviour } from '../check.ts';
import { calicoGet } from '../../clusters/kind/capabilities.ts';
import { poolNamespace, poolProbeApp } from '../../clusters/kind/workloads.ts';
import type { ClusterHandle } from '../../clusters/types.ts';
import { kubeOf, output } from '../kube-actions.ts';
import { cni, feature } from '../requirements.ts';
import { DOCS } from './bgp.ts';

export interface Pool { name: string; cidr: string; blockSize?: number; disabled: boolean }
export interface PoolObservation { pools: Pool[]; pods: { name: string; ip: string }[] }

/** The pods the profile plan starts after migrating the pools (workload set pool-migration). */
export const POOL_NAMESPACE = poolNamespace;
export const POOL_SELECTOR = `app=${poolProbeApp}`;

/** The IPPool list, through whichever Calico API the cluster serves (crd.projectcalico.org, projectcalico.org, calicoctl). */
async function ippools(cluster: ClusterHandle): Promise<string> {
  const json = await calicoGet((a) => kubeOf(cluster).run(a), 'ippools');
  if (!json) throw new Error(`cluster "${cluster.name}": failed to list IPPools (kubectl get ippools.crd.projectcalico.org / ippools.projectcalico.org, calicoctl get ippools)`);
  return json;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [net = '', bits = '32'] = cidr.split('/');
  const n = (s: string) => s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(net) / size);
}

/** Reads `kubectl get ippools.crd.projectcalico.org -o json`. */
export function readPools(json: string): Pool[] {
  const items = (JSON.parse(json) as { items?: { metadata?: { name?: string }; spec?: { cidr?: string; blockSize?: number; disabled?: boolean } }[] }).items ?? [];
  return items.map((i) => ({ name: i.metadata?.name ?? '?', cidr: i.spec?.cidr ?? '', disabled: i.spec?.disabled === true, ...(i.spec?.blockSize !== undefined ? { blockSize: i.spec.blockSize } : {}) }));
}

/** New pods get addresses from the enabled /26-block pool only; the old pool is disabled. */
export function expectPoolMigration(v: PoolObservation): string[] {
  const problems: string[] = [];
  const enabled = v.pools.filter((p) => !p.disabled);
  if (!v.pools.some((p) => p.disabled)) problems.push(`no disabled IPPool among ${v.pools.map((p) => p.name).join(', ')}; set disabled: true on the old pool`);
  for (const p of enabled) if (p.blockSize !== 26) problems.push(`enabled IPPool ${p.name} has blockSize ${p.blockSize ?? 'default'}, expected 26`);
  for (const pod of v.pods) {
    const pool = v.pools.find((p) => inCidr(pod.ip, p.cidr));
    if (!pool) problems.push(`pod ${pod.name} address ${pod.ip} is in no IPPool`);
    else if (pool.disabled) problems.push(`pod ${pod.name} address ${pod.ip} comes from disabled IPPool ${pool.name} (${pool.cidr})`);
  }
  if (v.pods.length === 0) problems.push(`no pod in namespace ${POOL_NAMESPACE} to observe`);
  return problems;
}

export const kPool1 = defineBehaviour<PoolObservation>({
  id: 'K-POOL-1',
  title: 'IPPool management',
  docs: DOCS.ippools,
  requires: [cni('calico'), feature('ippool-migration', 'a disabled IPPool next to an enabled one: the profile adds a blockSize 26 pool and disables the old one')],
  needs: [{ kind: 'pool-migration-pods' }],
  async probe(cluster) {
    const poolsJson = await ippools(cluster);
    const pods = (await kubeOf(cluster).pods(POOL_NAMESPACE, POOL_SELECTOR)).map((p) => ({ name: p.name, ip: p.addresses[0] ?? '' }));
    return { raw: { ippools: poolsJson }, value: { pools: readPools(poolsJson), pods } };
  },
  expect: expectPoolMigration,
  negativeControls: [
    {
      name: 'old pool re-enabled and new pool disabled',
      owner: {
        owner: 'nobody (IPPools the plan applies)', reverts: 'never', breakage: 'changes',
        why: 'the plan creates both pools with calicoctl and nothing rewrites them: with NO_DEFAULT_POOLS=true calico-node\'s startup creates no '
          + 'pool (node/pkg/lifecycle/startup/startup.go@v3.31.0:902-915 configureIPPools), and without it would only Create a default pool '
          + 'when none of its IP version exists, never Update one (createIPPool); kube-controllers (node,loadbalancer in '
          + 'manifests/calico.yaml@v3.31.0) write no IPPool',
      },
      async apply(cluster) {
        const kube = kubeOf(cluster);
        const pools = readPools(await ippools(cluster));
        const set = (p: Pool, disabled: boolean) => output(`cluster "${cluster.name}"`, (a) => kube.run(a), ['calicoctl', 'patch', 'ippool', p.name, '-p', JSON.stringify({ spec: { disabled } })]);
        for (const p of pools) await set(p, !p.disabled);
        return { what: 'IPPool disabled flags swapped', undo: async () => { for (const p of pools) await set(p, p.disabled); } };
      },
      expectFailure: /comes from disabled IPPool|blockSize/,
    },
  ],
});
