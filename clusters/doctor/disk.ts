import type { Finding } from './types.ts';

/**
 * Free space under Docker's root dir. The node image is about 1 GB unpacked, each node container writes its own
 * containerd store with the CNI images (Cilium about 0.5 GB, Calico 0.4 GB) and the workload images: a three-node cluster
 * wants a few GB; kind's known issues (site/content/docs/user/known-issues.md@v0.32.0) list low disk as a cause of
 * failed clusters. 10 GiB is our margin for two clusters at once, not an upstream number.
 */
export const diskMinimumBytes = 10 * 1024 ** 3;

export function diskFindings(dir: string, freeBytes: number | undefined): Finding[] {
  const check = 'free disk';
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  if (freeBytes === undefined) return [{ check, status: 'info', detail: `${dir} is not on this machine (remote engine?); free space not checked` }];
  if (freeBytes >= diskMinimumBytes) return [{ check, status: 'ok', detail: `${gib(freeBytes)} free under ${dir}` }];
  return [{ check, status: 'warn', detail: `${gib(freeBytes)} free under ${dir}, below ${gib(diskMinimumBytes)}`, fix: 'free space: docker system prune (removes stopped containers, unused images and networks)' }];
}
