import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import { readUpstream, upstreamPath } from '../../clusters/kind/validate/upstream.ts';
import { cniImages, controlPlaneImages, modulesOf, nodeImageName, sourceLabels } from './catalog.ts';
import { cniConfVersion, manifestImages } from './cni-build.ts';
import { goRecipes, parseLocalReplaces, wrapperGoMod } from './recipes.ts';

const v = versions.fromSource;

/**
 * Output of `kubeadm config images list --kubernetes-version v1.36.1`, run with the kubeadm built here from
 * k8s.io/kubernetes@v1.36.1 (images/from-source, December 2026).
 */
const kubeadmImagesList = `registry.k8s.io/kube-apiserver:v1.36.1
registry.k8s.io/kube-controller-manager:v1.36.1
registry.k8s.io/kube-scheduler:v1.36.1
registry.k8s.io/kube-proxy:v1.36.1
registry.k8s.io/coredns/coredns:v1.14.2
registry.k8s.io/pause:3.10.2
registry.k8s.io/etcd:3.6.8-0
`;

describe('the images built from source', () => {
  it('are the images kubeadm v1.36.1 lists, with pause as kind names it (containerd sandbox_image)', () => {
    // kind pkg/build/nodeimage/buildcontext.go@v0.32.0:207-231 drops kubeadm's pause and adds config.toml's sandbox_image.
    const expected = kubeadmImagesList.trim().split('\n').filter((i) => !i.includes('/pause:')).concat(`registry.k8s.io/pause:${v.pauseTag}`);
    expect(controlPlaneImages.map((i) => i.name).sort()).toEqual(expected.sort());
  });

  it('take every version from versions.ts', () => {
    expect(goRecipes.kubernetes.version).toBe(v.kubernetes.module);
    expect(goRecipes.kubernetes.localReplacesAt).toBe(v.kubernetes.staging);
    expect(goRecipes.kind.version).toBe(versions.kind.kind);
    expect(goRecipes.containerd.version).toBe(v.containerd);
    expect(goRecipes.runc.version).toBe(v.runc);
    expect(goRecipes.crictl.version).toBe(v.crictl);
    expect(goRecipes.cniPlugins.version).toBe(versions.cniPlugins);
    expect(goRecipes.etcd.version).toBe(v.etcd.module);
    expect(goRecipes.coredns.version).toBe(v.coredns);
    expect(v.etcd.imageTag).toBe(`${v.etcd.module.replace(/^v/, '')}-0`);
    expect(nodeImageName).toBe(`docker.io/${versions.kind.nodeImage.replace(/@sha256:.*$/, '')}`);
  });

  it('label each image as built from source with the module versions it holds', () => {
    const etcd = controlPlaneImages.find((i) => i.name.includes('/etcd:'))!;
    expect(sourceLabels(modulesOf(etcd.files))).toEqual([
      'io.cni-conformance.built-from-source=true',
      `io.cni-conformance.source-modules=go.etcd.io/etcd/server/v3@${v.etcd.module}`,
    ]);
    const pause = controlPlaneImages.find((i) => i.name.includes('/pause:'))!;
    expect(modulesOf(pause.files)).toEqual({ 'k8s.io/kubernetes': v.kubernetes.module });
  });

  it('set the Kubernetes version variables the binaries report', () => {
    const flags = goRecipes.kubernetes.ldflags('abc123');
    expect(flags).toContain(`-X k8s.io/component-base/version.gitVersion=${v.kubernetes.module}`);
    expect(flags).toContain('-X k8s.io/component-base/version.gitMinor=36');
    expect(flags).toContain('-X k8s.io/client-go/pkg/version.gitCommit=abc123');
  });
});

describe('flannel\'s images built from source', () => {
  const names = () => cniImages.flannel!.map((i) => i.name).sort();

  it('are named from versions.ts and built from the pinned modules', () => {
    expect(names()).toEqual([`ghcr.io/flannel-io/flannel-cni-plugin:${versions.flannel.cniPlugin}`, `ghcr.io/flannel-io/flannel:${versions.flannel.release}`]);
    expect(goRecipes.flannel.version).toBe(versions.flannel.release);
    expect(goRecipes.flannel.versionReplaces).toEqual({ 'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc': v.flannel.tencentVpc });
    expect(goRecipes.flannelCniPlugin).toMatchObject({ module: 'github.com/containernetworking/plugins', version: v.flannel.cniPluginFrom });
    expect(goRecipes.flannel.ldflags('x')).toContain(`-X github.com/flannel-io/flannel/pkg/version.Version=${versions.flannel.release}`);
  });

  it.skipIf(!upstreamPath('flannel/kube-flannel.yml'))('are every image kube-flannel.yml runs, and its cni-conf.json asks for CNI 0.3.1', () => {
    const manifest = readUpstream('flannel/kube-flannel.yml');
    expect(manifestImages(manifest)).toEqual(names());
    // The stand-in plugin (containernetworking/cni v0.8.1 version.All) supports 0.1.0 to 0.4.0; images build checks it for real.
    expect(cniConfVersion(manifest)).toBe('0.3.1');
  });

  it('carry what the manifest runs where it runs it: /opt/bin/flanneld, /opt/bin/install-conf, /flannel, a cp', () => {
    const [flannel, plugin] = cniImages.flannel!;
    expect(flannel!.entrypoint).toEqual(['/opt/bin/flanneld']);
    expect(flannel!.files.map((f) => f.dest)).toEqual(expect.arrayContaining(['/opt/bin/flanneld', '/opt/bin/install-conf', '/opt/bin/mk-docker-opts.sh']));
    expect(plugin!.files.map((f) => f.dest)).toEqual(['/flannel']);
    expect(plugin!.base).toBe('busybox');
  });

  it('label how each differs from upstream and the modules, the replaced SDK version included', () => {
    const [flannel] = cniImages.flannel!;
    const labels = sourceLabels(modulesOf(flannel!.files), flannel!.differs);
    expect(labels[1]).toBe(`io.cni-conformance.source-modules=github.com/flannel-io/flannel@${versions.flannel.release},`
      + `github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc@${v.flannel.tencentVpc}`);
    expect(labels[2]).toMatch(/^io\.cni-conformance\.differs-from-upstream=".*tencent.*"$/);
  });
});

describe('iptables in kube-proxy and flanneld', () => {
  it('goes through iptables-wrapper, which follows the node\'s mode', () => {
    const proxy = controlPlaneImages.find((i) => i.name.includes('/kube-proxy:'))!;
    for (const image of [proxy, cniImages.flannel![0]!]) {
      expect(image.files).toContainEqual({ from: 'here', binary: 'iptables-wrapper.sh', dest: '/usr/sbin/iptables-wrapper' });
      expect(Object.keys(image.links ?? {}).sort()).toEqual(['ip6tables', 'ip6tables-restore', 'ip6tables-save', 'iptables', 'iptables-restore', 'iptables-save'].map((c) => `/usr/sbin/${c}`));
      expect(image.base).toBe('iptables');
    }
  });
});

describe('manifestImages', () => {
  it('lists containers and init containers once each', () => {
    const manifest = 'kind: DaemonSet\nspec:\n  template:\n    spec:\n      initContainers:\n      - image: a:1\n      containers:\n      - image: b:2\n---\nkind: Pod\nspec:\n  containers:\n  - image: a:1\n';
    expect(manifestImages(manifest)).toEqual(['a:1', 'b:2']);
  });
});

describe('parseLocalReplaces', () => {
  it('finds the modules k8s.io/kubernetes replaces with staging directories', () => {
    // Excerpt of go.mod at https://github.com/kubernetes/kubernetes/blob/v1.36.1/go.mod (replace block).
    const goMod = 'module k8s.io/kubernetes\n\nreplace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tk8s.io/kubelet => ./staging/src/k8s.io/kubelet\n)\n';
    expect(parseLocalReplaces(goMod)).toEqual(['k8s.io/api', 'k8s.io/kubelet']);
  });

  it('keeps version replaces and commented lines out, and reads the one-line form', () => {
    // etcd server/go.mod@v3.6.8 uses both forms; flannel go.mod@v0.28.9 comments its only replace out.
    const goMod = 'replace go.etcd.io/etcd => ./FORBIDDEN_DEPENDENCY\n// replace a/b => c/d v1.0.0\nreplace (\n\tx/y v1.0.0 => x/y v1.0.1\n\tgo.etcd.io/etcd/api/v3 => ../api\n)\n';
    expect(parseLocalReplaces(goMod)).toEqual(['go.etcd.io/etcd', 'go.etcd.io/etcd/api/v3']);
  });

  it('names a replace line it cannot read instead of dropping it', () => {
    expect(() => parseLocalReplaces('replace (\n\tbroken line here\n)\n')).toThrow('failed to parse go.mod replace line "broken line here"');
  });
});

describe('wrapperGoMod', () => {
  it('requires the module and its siblings at the pin and replaces local modules by version', () => {
    expect(wrapperGoMod(goRecipes.etcd, [])).toContain(`\tgo.etcd.io/etcd/etcdctl/v3 ${v.etcd.module}\n`);
    expect(wrapperGoMod(goRecipes.kubernetes, ['k8s.io/api'])).toContain(`\tk8s.io/api => k8s.io/api ${v.kubernetes.staging}\n`);
  });

  it('replaces a module the proxy does not serve by the version given', () => {
    const vpc = 'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc';
    expect(wrapperGoMod(goRecipes.flannel, [])).toContain(`replace (\n\t${vpc} => ${vpc} ${v.flannel.tencentVpc}\n)\n`);
  });
});
