import { describe, expect, it } from 'vitest';
import { LABEL, removeRunSync } from '../run.ts';
import { KIND_CLUSTER_LABEL, type DockerSync } from './cleanup.ts';
import { buildPaths, toolboxLabels } from './toolbox.ts';

describe('toolbox build paths', () => {
  it('a checkout path with a space stays a path (URL.pathname would give %20)', () => {
    const dockerfile = new URL('file:///home/me/my%20checkout/images/toolbox/Dockerfile');
    expect(buildPaths(dockerfile)).toEqual({ file: '/home/me/my checkout/images/toolbox/Dockerfile', context: '/home/me/my checkout/images/toolbox/' });
  });
});

/** A fake engine: containers with labels; `docker rm` order recorded. */
function engine(containers: Record<string, Record<string, string>>) {
  const left = new Map(Object.entries(containers));
  const removed: string[] = [];
  const matches = (labels: Record<string, string>, filter: string) => {
    const [key, value] = filter.replace(/^label=/, '').split('=') as [string, string?];
    return value === undefined ? key in labels : labels[key] === value;
  };
  const docker: DockerSync = (args) => {
    const filters = args.flatMap((a, i) => (args[i - 1] === '--filter' ? [a] : []));
    const found = [...left].filter(([, labels]) => filters.every((f) => matches(labels, f)));
    if (args[0] === 'ps' && args.includes('{{.ID}} {{.Names}}')) return found.map(([id]) => `${id} ${id}`).join('\n');
    if (args[0] === 'ps' && args.includes('--format')) return found.map(([, l]) => l[KIND_CLUSTER_LABEL] ?? '').join('\n');
    if (args[0] === 'ps') return found.map(([id]) => id).join('\n');
    if (args[0] === 'rm') { for (const id of args.slice(3)) { left.delete(id); removed.push(id); } return ''; }
    if (args[0] === 'volume') return '';
    throw new Error(`unexpected docker ${args.join(' ')}`);
  };
  return { docker, removed, left };
}

describe('Ctrl-C during kind create in the toolbox', () => {
  it('the toolbox carries the run\'s labels, so the run\'s cleanup (and the reaper of dead runs) removes it before the clusters', () => {
    const labels = toolboxLabels('r1abc');
    expect(labels).toMatchObject({ [LABEL.run]: 'r1abc', [LABEL.owner]: expect.stringMatching(/^\d+$/), [LABEL.host]: expect.any(String) });
    const e = engine({
      toolbox: labels,
      node1: { [KIND_CLUSTER_LABEL]: 'cnc-r1abc-cal-ipip' },
      node2: { [KIND_CLUSTER_LABEL]: 'cnc-r1abc-cal-ipip' },
      other: { [KIND_CLUSTER_LABEL]: 'cnc-other-x' },
    });
    removeRunSync('r1abc', undefined, e.docker, false);
    // The toolbox first: removing it stops a kind create still running inside it, so no node appears afterwards.
    expect(e.removed).toEqual(['toolbox', 'node1', 'node2']);
    expect([...e.left.keys()]).toEqual(['other']);
  });
});
