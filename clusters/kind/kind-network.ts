import { docker, type ExecResult } from '../docker.ts';

/** The docker CLI as these helpers use it (the real one, or a fake in unit tests). */
export type DockerCli = (args: string[]) => Promise<ExecResult>;
const dockerCli: DockerCli = (args) => docker(args, { timeout: 30_000 });

/** kind's fixed network name (kind pkg/cluster/internal/providers/docker/network.go@v0.32.0 `fixedNetworkName`). */
export const kindNetworkName = 'kind';

export interface KindNetwork {
  subnets: Array<{ subnet: string; gateway?: string }>;
  /** The IPv4 gateway: the host's address on the network (what calico-vpp redirects DNS to). */
  ipv4Gateway?: string;
  ipv4Subnet?: string;
}

interface NetworkInspect { IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null } }

/** Subnets and IPv4 gateway from `docker network inspect kind` (a JSON array of one network). */
export function parseKindNetwork(inspectJson: string): KindNetwork {
  const parsed = JSON.parse(inspectJson) as NetworkInspect[];
  const config = parsed[0]?.IPAM?.Config ?? [];
  const subnets = config.flatMap((c) => (c.Subnet ? [{ subnet: c.Subnet, ...(c.Gateway ? { gateway: c.Gateway } : {}) }] : []));
  const v4 = subnets.find((s) => /^\d+\.\d+\.\d+\.\d+\//.test(s.subnet));
  return { subnets, ...(v4 ? { ipv4Subnet: v4.subnet } : {}), ...(v4?.gateway ? { ipv4Gateway: v4.gateway } : {}) };
}

/** The `kind` network as Docker reports it, or undefined when it does not exist (yet). */
export async function inspectKindNetwork(cli: DockerCli = dockerCli): Promise<KindNetwork | undefined> {
  const result = await cli(['network', 'inspect', kindNetworkName]);
  if (result.exitCode !== 0) return undefined;
  return parseKindNetwork(result.stdout);
}

/**
 * Makes sure the `kind` network exists, created with the IPv4 options kind itself uses; kind reuses an existing network of
 * that name (network.go@v0.32.0 ensureNetwork: "network already exists, we're good"). Our profiles are IPv4 only, so
 * the IPv6 ULA subnet kind would add is left out. Returns the network as inspected afterwards.
 */
export async function ensureKindNetwork(log: (line: string) => void, cli: DockerCli = dockerCli): Promise<KindNetwork> {
  const existing = await inspectKindNetwork(cli);
  if (existing) return existing;
  // kind takes the MTU of Docker's default bridge (network.go@v0.32.0 getDefaultNetworkMTU).
  const mtu = (await cli(['network', 'inspect', 'bridge', '-f', '{{ index .Options "com.docker.network.driver.mtu" }}'])).stdout.trim();
  const args = ['network', 'create', '-d=bridge', '-o', 'com.docker.network.bridge.enable_ip_masquerade=true',
    ...(/^\d+$/.test(mtu) ? ['-o', `com.docker.network.driver.mtu=${mtu}`] : []), kindNetworkName];
  log(`🌐 creating the ${kindNetworkName} docker network as kind does (docker ${args.join(' ')})`);
  const created = await cli(args);
  // Another process (a parallel kind create) may have made it meanwhile: inspect again either way.
  const network = await inspectKindNetwork(cli);
  if (!network) throw new Error(`failed to create the ${kindNetworkName} docker network: ${created.stderr.trim()}`);
  return network;
}

/** The IPv4 gateway of the kind network, or a clear error naming what is missing and how to fix it. */
export function requireIpv4Gateway(network: KindNetwork | undefined, why: string): string {
  if (!network) throw new Error(`${why}: needs the IPv4 gateway of the "${kindNetworkName}" docker network, which does not exist yet; create it as kind does: docker network create -d=bridge -o com.docker.network.bridge.enable_ip_masquerade=true ${kindNetworkName} (or run any kind cluster once), or pass --kind-gateway ADDRESS`);
  if (!network.ipv4Gateway) throw new Error(`${why}: the "${kindNetworkName}" docker network has no IPv4 gateway (subnets: ${network.subnets.map((s) => s.subnet).join(', ') || 'none'}); recreate it with an IPv4 subnet, or pass --kind-gateway ADDRESS`);
  return network.ipv4Gateway;
}

/** For the provider: the kind gateway a profile's plan needs (calico-vpp), creating the network first if need be. */
export async function kindGatewayFor(profile: { name: string; clusters: ReadonlyArray<{ install: { cni: string; vpp?: boolean } }> }, log: (line: string) => void): Promise<string | undefined> {
  if (!profile.clusters.some((c) => c.install.cni === 'calico' && c.install.vpp)) return undefined;
  return requireIpv4Gateway(await ensureKindNetwork(log), `failed to plan ${profile.name}`);
}
