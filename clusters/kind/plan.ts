import { stringify } from 'yaml';
import { versions } from '../../versions.ts';
import { brNetfilterCommands } from './br-netfilter.ts';
import { ciliumInstallCommands, ciliumValues, ciliumValuesFile, clustermeshConnectCommands, copyCiliumCa } from './cni/cilium.ts';
import {
  calicoFiles, calicoInstallCommands, calicoManifestFiles, calicoManifestUrl, calicoObject, calicoVppFiles, installationResource,
} from './cni/calico.ts';
import { cniPluginsArchive, flannelFiles, flannelInstallCommands, kubeFlannelUrl } from './cni/flannel.ts';
import { loadImageCommands, pullImageCommands, type ImageSource } from './images.ts';
import { kindConfig } from './kind-config.ts';
import { clusterName, contextName, kubeconfigPath, nodeNames, workloadNamespace } from './naming.ts';
import type { CalicoResource, Command, Download, KindClusterSpec, KindPhase, KindProfile, Plan, WorkloadSet } from './types.ts';
import {
  fixedAddressIn, fixedIpApp, fixedIpManifests, migrationPool, poolMigrationManifests, poolNamespace, poolProbeApp, workloadManifests, workloadWaitTargets,
} from './workloads.ts';

export interface PlanOptions {
  runId: string;
  /** Absolute plan folder: kind mounts host paths from here. */
  dir: string;
  /** CPU architecture of the release archives (Go naming). */
  arch?: 'amd64' | 'arm64';
  /** IPv4 gateway of the `kind` docker network (kind-network.ts): calico-vpp's host DNS target; required for VPP profiles. */
  kindGateway?: string;
  /** The engine kind runs on and the images it holds (images.ts); docker holding nothing when omitted. */
  images?: ImageSource;
  /** The node image (engine-choice.ts nodeImageIn); the pinned upstream reference when omitted. */
  nodeImage?: string;
  /** Manifests built here from source (local-copies.ts), by the URL they stand in for: rendered into the plan instead. */
  localManifests?: Record<string, string>;
  /** The Cilium chart folder `npm run images` copied from the cilium module (local-copies.ts localChart): installed instead of the repository's, with localBuildValues. */
  localCiliumChart?: string;
  /** docker-archives of images built here, by image (local-copies.ts ciliumArchivePath): loaded from the file. */
  imageArchives?: Record<string, string>;
}

export function yamlDocs(docs: readonly unknown[]): string {
  return docs.map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n');
}

/** Renders every file and command a profile needs, without touching Docker or a network. */
export function buildPlan(profile: KindProfile, options: PlanOptions): Plan {
  const names = profile.clusters.map((c) => clusterName(options.runId, c.suffix));
  const files: Record<string, string> = {};
  const downloads: Download[] = [];
  const create: Command[] = [];
  const install: Command[] = [];
  const workloads: Command[] = [];

  const cniPluginsDir = `cni-plugins/${versions.cniPlugins}`;
  if (profile.clusters.some((c) => c.install.cni === 'flannel')) {
    const url = cniPluginsArchive(options.arch ?? 'amd64');
    downloads.push({ url, sha256Url: `${url}.sha256`, extractTo: cniPluginsDir });
  }

  profile.clusters.forEach((spec, index) => {
    const name = names[index]!;
    const configFile = `kind/${name}.yaml`;
    const nodeImage = options.nodeImage ?? versions.kind.nodeImage;
    files[configFile] = stringify(kindConfig({ name, runId: options.runId, spec, cniPluginsDir: `${options.dir}/${cniPluginsDir}`, nodeImage }));
    create.push({
      tool: 'kind',
      args: ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', kubeconfigPath(name)],
      why: `create kind cluster ${name} (${spec.nodes.length} nodes, ${nodeImage.split('@')[0]})`,
    });
    create.push(...brNetfilterCommands(name, spec, options.images?.engine), ...loadImageCommands(options.runId, spec, options.images, options.imageArchives), ...annotateCommands(name, spec));
    install.push(...installCommands(profile, index, names, spec, files, options), corednsReady(name));
    const sets = workloadSets(profile, index);
    const base = sets.filter((s) => s !== 'pool-migration' && s !== 'fixed-ip');
    if (base.length > 0) {
      const file = `workloads/${name}.yaml`;
      files[file] = yamlDocs(workloadManifests(options.runId, base, meshClusterName(spec) ?? name));
      workloads.push(kubectl(name, ['apply', '-f', file], `deploy test workloads (${base.join(', ')}) on ${name}`));
      for (const target of workloadWaitTargets(base)) {
        workloads.push(kubectl(name, ['-n', workloadNamespace, 'rollout', 'status', target, '--timeout', '300s'], `wait for ${target} on ${name}`));
      }
    }
    workloads.push(...calicoWorkloadCommands(options.runId, name, spec, sets, files));
  });

  const mesh = profile.clustermesh && names.length === 2 ? clustermeshConnectCommands(names[0]!, names[1]!) : [];

  return {
    profile: profile.name,
    runId: options.runId,
    clusters: names,
    files,
    downloads,
    commands: [
      ...inPhase('images pulled', pullImageCommands(profile.clusters, options.images)), ...inPhase('cluster up', create), ...inPhase('CNI ready', install),
      ...inPhase('clustermesh connected', mesh), ...inPhase('workloads ready', workloads),
    ],
    teardown: names.map((name) => ({ tool: 'kind', args: ['delete', 'cluster', '--name', name], why: `delete kind cluster ${name}`, optional: true })),
  };
}

/** Marks commands as steps of one provisioning phase (timed together by provision.ts). */
const inPhase = (phase: KindPhase, commands: readonly Command[]): Command[] => commands.map((c) => ({ ...c, phase }));

function kubectl(cluster: string, args: string[], why: string): Command {
  return { tool: 'kubectl', args: ['--kubeconfig', kubeconfigPath(cluster), '--context', contextName(cluster), ...args], why };
}

/**
 * How long an annotation waits for its Node object. `kind create cluster` returns once kubeadm join ran on every node,
 * not once each kubelet registered its Node: kind waits for readiness only with --wait, default 0s
 * (pkg/cmd/kind/create/cluster/createcluster.go@v0.32.0 "wait", create.go@v0.32.0 waitforready.NewAction).
 */
export const NODE_REGISTRATION_SECONDS = 120;

/** kind sets labels itself; annotations (e.g. Calico's RouteReflectorClusterID) need kubectl, retried until the Node exists. */
function annotateCommands(cluster: string, spec: KindClusterSpec): Command[] {
  const nodes = nodeNames(cluster, spec.nodes);
  return spec.nodes.flatMap((node, i) => {
    const pairs = Object.entries(node.annotations ?? {});
    if (pairs.length === 0) return [];
    return [{
      ...kubectl(cluster, ['annotate', 'node', nodes[i]!, ...pairs.map(([k, v]) => `${k}=${v}`), '--overwrite'],
        `annotate ${nodes[i]} (${pairs.map(([k]) => k).join(', ')}) once its Node object is registered`),
      retrySeconds: NODE_REGISTRATION_SECONDS,
    }];
  });
}

/**
 * The CNI's own waits say its agents are ready, not that a pod gets networking: coredns (kubeadm's Deployment
 * "coredns" in kube-system, cmd/kubeadm/app/constants/constants.go@v1.36.1 CoreDNSDeploymentName) is the first pod that
 * needs it, retried by the kubelet every ~10 s until the CNI answers (Calico: once its pool exists). Services by name
 * (X-SVC-1) need it too.
 */
function corednsReady(cluster: string): Command {
  return kubectl(cluster, ['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout', '300s'], `wait for coredns (pod networking from the CNI) on ${cluster}`);
}

function installCommands(profile: KindProfile, index: number, names: string[], spec: KindClusterSpec, files: Record<string, string>, options: PlanOptions): Command[] {
  const name = names[index]!;
  const install = spec.install;
  if (install.cni === 'cilium') {
    files[ciliumValuesFile(name)] = stringify(ciliumValues(name, spec, install, options.localCiliumChart !== undefined));
    const shareCa = profile.clustermesh && index > 0 ? [copyCiliumCa(names[0]!, name)] : [];
    return [...shareCa, ...ciliumInstallCommands(name, options.localCiliumChart)];
  }
  if (install.cni === 'calico') {
    const calico = calicoFiles(name);
    files[calico.resources] = yamlDocs(install.resources.map(calicoObject));
    if (install.vpp) {
      files[calico.installation] = yamlDocs([installationResource(install)]);
      Object.assign(files, calicoVppFiles(name, options.kindGateway));
    } else {
      Object.assign(files, calicoManifestFiles(name, install, options.localManifests?.[calicoManifestUrl(install.backend)]));
    }
    return calicoInstallCommands(name, install);
  }
  Object.assign(files, flannelFiles(name, install, options.localManifests?.[kubeFlannelUrl]));
  return flannelInstallCommands(name, install);
}

/** The profile's IPPools, as the plan applies them. */
function calicoPools(spec: KindClusterSpec): CalicoResource[] {
  return spec.install.cni === 'calico' ? spec.install.resources.filter((r) => r.kind === 'IPPool') : [];
}

/**
 * pool-migration: new blockSize-26 pool (the old pool's encapsulation), old pools disabled, then pods in conformance-pool;
 * fixed-ip: a pod asking for an address of the pool that is enabled by then. Both after the CNI and the other workloads.
 */
function calicoWorkloadCommands(runId: string, name: string, spec: KindClusterSpec, sets: WorkloadSet[], files: Record<string, string>): Command[] {
  const wanted = sets.filter((s) => s === 'pool-migration' || s === 'fixed-ip');
  if (wanted.length === 0) return [];
  const pools = calicoPools(spec);
  const old = pools[0];
  if (spec.install.cni !== 'calico' || !old) throw new Error(`failed to plan ${wanted.join(', ')} on ${name}: needs a Calico install with an IPPool`);
  const commands: Command[] = [];
  const wait = (ns: string, app: string) => kubectl(name, ['-n', ns, 'rollout', 'status', `deployment/${app}`, '--timeout', '300s'], `wait for deployment/${app} on ${name}`);
  let enabledCidr = String(old.spec['cidr']);
  if (wanted.includes('pool-migration')) {
    const migration: CalicoResource[] = [
      { kind: 'IPPool', name: migrationPool.name, spec: { ...old.spec, cidr: migrationPool.cidr, blockSize: migrationPool.blockSize } },
      ...pools.map((p) => ({ ...p, spec: { ...p.spec, disabled: true } })),
    ];
    const poolFile = `calico/${name}-pool-migration.yaml`;
    files[poolFile] = yamlDocs(migration.map(calicoObject));
    commands.push({
      tool: 'calicoctl', args: ['apply', '-f', poolFile, '--allow-version-mismatch'],
      env: { DATASTORE_TYPE: 'kubernetes', KUBECONFIG: kubeconfigPath(name) },
      why: `migrate pools on ${name}: add ${migrationPool.name} (${migrationPool.cidr}, blockSize ${migrationPool.blockSize}), disable ${pools.map((p) => p.name).join(', ')}`,
    });
    const podsFile = `workloads/${name}-pool-migration.yaml`;
    files[podsFile] = yamlDocs(poolMigrationManifests(runId));
    commands.push(kubectl(name, ['apply', '-f', podsFile], `start pods in ${poolNamespace} after the pool migration on ${name}`), wait(poolNamespace, poolProbeApp));
    enabledCidr = migrationPool.cidr;
  }
  if (wanted.includes('fixed-ip')) {
    const file = `workloads/${name}-fixed-ip.yaml`;
    files[file] = yamlDocs(fixedIpManifests(runId, fixedAddressIn(enabledCidr)));
    commands.push(kubectl(name, ['apply', '-f', file], `start ${fixedIpApp} at ${fixedAddressIn(enabledCidr)} on ${name}`), wait(workloadNamespace, fixedIpApp));
  }
  return commands;
}

function workloadSets(profile: KindProfile, index: number): WorkloadSet[] {
  if (!profile.workloads) return ['probes', 'lone-backend'];
  return profile.workloads.filter((w) => w.cluster === index).flatMap((w) => w.sets);
}

/** Cilium's cluster.name when the values set one. */
function meshClusterName(spec: KindClusterSpec): string | undefined {
  if (spec.install.cni !== 'cilium') return undefined;
  const cluster = spec.install.values['cluster'];
  if (cluster && typeof cluster === 'object' && 'name' in cluster && typeof cluster.name === 'string') return cluster.name;
  return undefined;
}

/** A command as a person would type it (for plan summaries and KEEP=1 hints). */
export function renderCommand(command: Command): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  const env = Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${quote(v)} `).join('');
  const line = `${env}${command.tool} ${command.args.map(quote).join(' ')}`;
  return command.stdinFrom ? `${renderCommand(command.stdinFrom)} | ${line}` : line;
}
