import { describe, expect, it } from 'vitest';
import { versions } from '../../versions.ts';
import { controlPlaneImages, modulesOf, nodeImageName, sourceLabels } from './catalog.ts';
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
});
