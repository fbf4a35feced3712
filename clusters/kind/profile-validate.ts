import { isCidr } from './validate/ajv.ts';
import type { KindClusterSpec, KindProfile } from './types.ts';

/** Pure checks of a profile's own coherence (no upstream files needed); every problem collected. */
export function validateProfile(profile: KindProfile): string[] {
  const errors: string[] = [];
  const say = (what: string) => errors.push(`profile "${profile.name}": ${what}`);
  if (profile.clusters.length < 1 || profile.clusters.length > 2) say(`has ${profile.clusters.length} clusters; kind profiles have 1 or 2`);
  for (const id of profile.behaviours) if (!/^[A-Z]-[A-Z]+-\d+$/.test(id)) say(`behaviour id "${id}" is not a BEHAVIOURS.md id (like C-KPR-1)`);
  const suffixes = new Set<string>();
  profile.clusters.forEach((cluster, i) => {
    const where = `cluster ${i} (${cluster.suffix})`;
    if (!/^[a-z0-9-]{1,12}$/.test(cluster.suffix)) say(`${where}: suffix must be 1-12 of [a-z0-9-] (it ends every node container name)`);
    if (suffixes.has(cluster.suffix)) say(`${where}: suffix repeats; cluster names must differ`);
    suffixes.add(cluster.suffix);
    if (cluster.install.cni !== profile.cni) say(`${where}: installs ${cluster.install.cni} but the profile says cni ${profile.cni}`);
    if (!cluster.nodes.some((n) => n.role === 'control-plane')) say(`${where}: needs a control-plane node`);
    if (cluster.networking.disableDefaultCNI !== true) say(`${where}: networking.disableDefaultCNI must be true, or kindnet runs next to ${cluster.install.cni}`);
    const pod = cluster.networking.podSubnet;
    if (pod !== undefined && !isCidr(pod)) say(`${where}: podSubnet "${pod}" is not a CIDR`);
    errors.push(...cniCoherence(cluster).map((e) => `profile "${profile.name}": ${where}: ${e}`));
  });
  if (profile.clustermesh) {
    if (profile.clusters.length !== 2) say('clustermesh needs exactly 2 clusters');
    const [a, b] = profile.clusters.map((c) => c.networking.podSubnet ?? '10.244.0.0/16');
    if (a && b && cidrsOverlap(a, b)) say(`clustermesh pod CIDRs ${a} and ${b} overlap; give each cluster its own podSubnet`);
    const ids = profile.clusters.map((c) => (c.install.cni === 'cilium' ? (c.install.values['cluster'] as { id?: number } | undefined)?.id : undefined));
    if (ids.some((id) => id === undefined) || new Set(ids).size !== ids.length) say(`clustermesh clusters need distinct cluster.id values, got ${JSON.stringify(ids)}`);
  }
  return errors;
}

/** Settings of the CNI that must agree with kind's networking. */
function cniCoherence(cluster: KindClusterSpec): string[] {
  const errors: string[] = [];
  const pod = cluster.networking.podSubnet ?? '10.244.0.0/16';
  const install = cluster.install;
  if (install.cni === 'flannel' && install.netConf.Network !== pod) {
    errors.push(`flannel Network ${install.netConf.Network} differs from kind podSubnet ${pod}; set both to the same CIDR`);
  }
  if (install.cni === 'calico') {
    for (const r of install.resources) {
      const cidr = r.kind === 'IPPool' ? String(r.spec['cidr'] ?? '') : '';
      if (cidr && isCidr(cidr) && !cidrsOverlap(cidr, pod)) errors.push(`IPPool "${r.name}" ${cidr} lies outside kind podSubnet ${pod}`);
    }
  }
  if (install.cni === 'cilium') {
    const v = install.values;
    if (cluster.networking.kubeProxyMode === 'none' && !['true', true].includes(v['kubeProxyReplacement'] as string | boolean)) {
      errors.push('kind kubeProxyMode none needs Cilium kubeProxyReplacement "true", or Services stop working');
    }
    if (v['kubeProxyReplacement'] === 'true' && cluster.networking.kubeProxyMode !== 'none') {
      errors.push('kubeProxyReplacement "true" next to kube-proxy: set kind networking.kubeProxyMode to none');
    }
    if (v['routingMode'] === 'native' && v['ipv4NativeRoutingCIDR'] !== pod) errors.push(`native routing needs ipv4NativeRoutingCIDR = podSubnet ${pod}, got ${String(v['ipv4NativeRoutingCIDR'])}`);
  }
  return errors;
}

function toRange(cidr: string): [number, number] {
  const [address, prefix] = cidr.split('/');
  const base = address!.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(prefix));
  const start = base - (base % size);
  return [start, start + size - 1];
}

/** IPv4 CIDR overlap. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [a0, a1] = toRange(a);
  const [b0, b1] = toRange(b);
  return a0 <= b1 && b0 <= a1;
}
