import { defineBehaviour } from '../check.ts';
import { cniIs, feature, kubectl } from '../kube-actions.ts';
import { DOCS } from './bgp.ts';

export interface Pool { name: string; cidr: string; blockSize?: number; disabled: boolean }
export interface PoolObservation { pools: Pool[]; pods: { name: string; ip: string }[] }

export const POOL_NAMESPACE = 'conformance-pool';

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
  requires: [cniIs('calico'), feature('ippool-migration', 'profile adds a blockSize 26 pool, disables the old one and starts pods in conformance-pool')],
  async probe(cluster) {
    const poolsJson = await kubectl(cluster, ['get', 'ippools.crd.projectcalico.org', '-o', 'json']);
    const pods = cluster.pods.filter((p) => p.namespace === POOL_NAMESPACE).map((p) => ({ name: p.name, ip: p.addresses[0] ?? '' }));
    return { raw: { ippools: poolsJson }, value: { pools: readPools(poolsJson), pods } };
  },
  expect: expectPoolMigration,
  negativeControls: [
    {
      name: 'old pool re-enabled and new pool disabled',
      async apply(cluster) {
        const pools = readPools(await kubectl(cluster, ['get', 'ippools.crd.projectcalico.org', '-o', 'json']));
        const set = (p: Pool, disabled: boolean) => kubectl(cluster, ['patch', 'ippools.crd.projectcalico.org', p.name, '--type=merge', '-p', JSON.stringify({ spec: { disabled } })]);
        for (const p of pools) await set(p, !p.disabled);
        return { what: 'IPPool disabled flags swapped', undo: async () => { for (const p of pools) await set(p, p.disabled); } };
      },
      expectFailure: /comes from disabled IPPool|blockSize/,
    },
  ],
});
