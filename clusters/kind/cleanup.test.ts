import { describe, expect, it } from 'vitest';
import { LABEL, markRunSync, reapOrphansSync, removeRunSync } from '../run.ts';
import { deleteKindClusterSync, kindClustersSync, KIND_CLUSTER_LABEL, type DockerSync } from './cleanup.ts';
import { clusterName } from './naming.ts';

/** A fake docker engine: kind node containers by cluster label, run-marker volumes by owner pid. */
function fakeEngine(nodes: Record<string, string[]>, markers: Record<string, number> = {}) {
  const calls: string[][] = [];
  const containers = new Map(Object.entries(nodes).flatMap(([cluster, names]) => names.map((n) => [n, cluster] as const)));
  const volumes = new Map(Object.entries(markers));
  const docker: DockerSync = (args) => {
    calls.push(args);
    const joined = args.join(' ');
    if (joined === `ps -a --filter label=${KIND_CLUSTER_LABEL} --format {{.Label "${KIND_CLUSTER_LABEL}"}}`) return [...containers.values()].join('\n');
    const byCluster = new RegExp(`^ps -a --filter label=${KIND_CLUSTER_LABEL.replaceAll('.', '\\.')}=(\\S+) --format \\{\\{\\.ID\\}\\} \\{\\{\\.Names\\}\\}$`).exec(joined);
    if (byCluster) return [...containers].filter(([, c]) => c === byCluster[1]).map(([n]) => `${n} ${n}`).join('\n');
    if (args[0] === 'rm') { for (const id of args.slice(3)) containers.delete(id); return ''; }
    if (args[0] === 'ps') return ''; // our labelled containers: none in these tests
    if (args[0] === 'volume' && args[1] === 'ls') return [...volumes].map(([run, pid]) => `${run} ${pid}`).join('\n');
    if (args[0] === 'volume' && args[1] === 'rm') { volumes.delete(args[3]!.replace(/^cnc-run-/, '')); return ''; }
    if (args[0] === 'volume' && args[1] === 'create') { volumes.set(args.at(-1)!.replace(/^cnc-run-/, ''), Number(process.pid)); return ''; }
    throw new Error(`unexpected docker ${joined}`);
  };
  return { docker, calls, containers, volumes };
}

const runA = 'mq3x1a2b';
const runB = 'zz9y8c7d';
const a = clusterName(runA, 'c1');
const b = clusterName(runB, 'c1');

describe('kind clusters of a run', () => {
  it('are listed as kind lists clusters: by kind\'s own container label', () => {
    const { docker } = fakeEngine({ [a]: [`${a}-control-plane`, `${a}-worker`], kind: ['kind-control-plane'] });
    expect(kindClustersSync({ name: 'docker', run: docker })).toEqual([a, 'kind'].sort());
  });

  it('go with the run on exit, found by name; other runs\' and the user\'s clusters stay', () => {
    const engine = fakeEngine({ [a]: [`${a}-control-plane`, `${a}-worker`], [b]: [`${b}-control-plane`], kind: ['kind-control-plane'] });
    expect(removeRunSync(runA, undefined, engine.docker)).toBe(2);
    expect([...engine.containers.keys()].sort()).toEqual([`${b}-control-plane`, 'kind-control-plane']);
    expect(engine.calls).toContainEqual(['rm', '-f', '-v', `${a}-control-plane`, `${a}-worker`]);
  });

  it('of a dead run (kill -9) are reaped by the next run through the run marker; a live run keeps its own', () => {
    const engine = fakeEngine({ [a]: [`${a}-control-plane`], [b]: [`${b}-control-plane`] }, { [runA]: 999_999, [runB]: 4242 });
    const removed = reapOrphansSync(engine.docker, (pid) => pid === 4242);
    expect(removed).toBe(1);
    expect([...engine.containers.keys()]).toEqual([`${b}-control-plane`]);
    expect([...engine.volumes.keys()]).toEqual([runB]);
  });

  it('the marker carries the run id, owner pid and host the reaper reads', () => {
    const engine = fakeEngine({});
    markRunSync(runA, engine.docker);
    const create = engine.calls[0]!;
    expect(create.slice(0, 2)).toEqual(['volume', 'create']);
    expect(create).toContain(`${LABEL.run}=${runA}`);
    expect(create.some((x) => x.startsWith(`${LABEL.owner}=`))).toBe(true);
    expect(create.some((x) => x.startsWith(`${LABEL.host}=`))).toBe(true);
  });

  it('a cluster the harness did not name is never deleted', () => {
    const engine = fakeEngine({ kind: ['kind-control-plane'] });
    expect(() => deleteKindClusterSync('kind', { name: 'docker', run: engine.docker })).toThrow('not made by cni-conformance');
    expect(engine.containers.size).toBe(1);
  });
});

describe('kind clusters on podman', () => {
  it('go with their nodes\' /var volumes, which podman keeps after rm -v (kind\'s podman DeleteNodes removes them by the node-name label)', () => {
    const calls: string[] = [];
    const run: DockerSync = (args) => {
      calls.push(args.join(' '));
      if (args[0] === 'ps') return `id1 ${a}-control-plane\nid2 ${a}-worker\n`;
      if (args[0] === 'volume' && args[1] === 'ls') return args[3] === `label=${a}-worker` ? 'vol2\n' : 'vol1\n';
      return '';
    };
    expect(deleteKindClusterSync(a, { name: 'podman', run })).toBe(2);
    expect(calls).toEqual([
      `ps -a --filter label=${KIND_CLUSTER_LABEL}=${a} --format {{.ID}} {{.Names}}`,
      'rm -f -v id1 id2',
      `volume ls --filter label=${a}-control-plane --quiet`,
      `volume ls --filter label=${a}-worker --quiet`,
      'volume rm --force vol1 vol2',
    ]);
    expect(kindClustersSync({ name: 'podman', run: (args) => { calls.push(args.join(' ')); return ''; } })).toEqual([]);
    expect(calls.at(-1)).toBe(`ps -a --filter label=${KIND_CLUSTER_LABEL} --format {{index .Labels "${KIND_CLUSTER_LABEL}"}}`);
  });
});
