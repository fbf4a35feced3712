import type { Capabilities, NodeHandle } from '../types.ts';

/** Image tag of a container image reference ("quay.io/cilium/cilium:v1.20.0@sha256:..." -> "1.20.0"). */
export function imageVersion(image: string): string | undefined {
  const tag = /:([^:@/]+)(@sha256:[0-9a-f]+)?$/.exec(image)?.[1];
  return tag?.replace(/^v/, '');
}

/** Which CNI runs, from the DaemonSets of kube-system/calico-system/kube-flannel: "<namespace>/<name> <image>" lines. */
export function detectCni(daemonSets: string): { cni: Capabilities['cni']; versions: Record<string, string> } {
  const lines = daemonSets.split('\n').map((l) => l.trim()).filter(Boolean);
  const find = (re: RegExp) => lines.find((l) => re.test(l.split(' ')[0] ?? ''));
  const versionOf = (line: string | undefined) => imageVersion(line?.split(' ')[1] ?? '');
  const cilium = find(/\/cilium$/);
  if (cilium) return { cni: 'cilium', versions: { cilium: versionOf(cilium) ?? 'unknown' } };
  const calico = find(/\/calico-node$/);
  if (calico) {
    const vpp = find(/calico-vpp-dataplane\/calico-vpp-node$/);
    return { cni: 'calico', versions: { calico: versionOf(calico) ?? 'unknown', ...(vpp ? { calicoVpp: versionOf(vpp) ?? 'unknown' } : {}) } };
  }
  const flannel = find(/\/kube-flannel-ds$/);
  if (flannel) return { cni: 'flannel', versions: { flannel: versionOf(flannel) ?? 'unknown' } };
  return { cni: 'none', versions: {} };
}

/** Whether `ip link add ... type ipip` worked: exit 0, or "File exists" from a previous probe. */
export function ipipProbeOk(exitCode: number, stderr: string): boolean {
  return exitCode === 0 || /File exists/.test(stderr);
}

/** Datapath features visible in `ip -d link` output of a node. */
export function linkFeatures(ipDetailLink: string): string[] {
  const features = new Set<string>();
  if (/\bcilium_vxlan\b/.test(ipDetailLink)) features.add('vxlan');
  if (/\bvxlan\.calico\b/.test(ipDetailLink)) features.add('vxlan');
  if (/\bflannel\.1\b/.test(ipDetailLink)) features.add('vxlan');
  if (/\btunl0@/.test(ipDetailLink) && /\bipip\b/.test(ipDetailLink)) features.add('ipip-device');
  if (/\bcali[0-9a-f]{11}@/.test(ipDetailLink)) features.add('calico-gateway');
  if (/\bcilium_host@/.test(ipDetailLink)) features.add('cilium-host');
  return [...features];
}

/** Probes one node for kernel support and link features; removes what it made. */
export async function probeNode(node: NodeHandle): Promise<{ ipip: boolean; vxlan: boolean; features: string[] }> {
  const ipip = await node.exec(['ip', 'link', 'add', 'cnc-ipip-probe', 'type', 'ipip', 'remote', '192.0.2.1', 'local', '192.0.2.2']);
  await node.exec(['ip', 'link', 'del', 'cnc-ipip-probe']);
  const vxlan = await node.exec(['ip', 'link', 'add', 'cnc-vx-probe', 'type', 'vxlan', 'id', '4242', 'dstport', '4789', 'dev', 'lo']);
  await node.exec(['ip', 'link', 'del', 'cnc-vx-probe']);
  const links = await node.exec(['ip', '-d', 'link', 'show']);
  return { ipip: ipipProbeOk(ipip.exitCode, ipip.stderr), vxlan: ipipProbeOk(vxlan.exitCode, vxlan.stderr), features: linkFeatures(links.stdout) };
}

/** Capabilities from the live cluster: DaemonSet listing + one node probe + kube-proxy presence. */
export async function detectCapabilities(provider: Capabilities['provider'], daemonSets: string, nodes: NodeHandle[]): Promise<Capabilities> {
  const { cni, versions } = detectCni(daemonSets);
  const probe = nodes[0] ? await probeNode(nodes[0]) : { ipip: false, vxlan: false, features: [] };
  const features = new Set(probe.features);
  if (/kube-system\/kube-proxy\b/.test(daemonSets)) features.add('kube-proxy');
  if (/calico-vpp-dataplane\//.test(daemonSets)) features.add('vpp');
  return { provider, cni, features: [...features], kernel: { ipip: probe.ipip, vxlan: probe.vxlan }, versions };
}

/** kubectl jsonpath that prints the "<namespace>/<name> <first image>" lines detectCni reads. */
export const daemonSetJsonPath =
  '{range .items[*]}{.metadata.namespace}/{.metadata.name} {.spec.template.spec.containers[0].image}{"\\n"}{end}';
