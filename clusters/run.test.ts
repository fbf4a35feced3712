import { describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { LABEL, liveRunOwner, reapOrphansSync, removeKindClustersOfRunsSync, runLabels } from './run.ts';
import { KIND_CLUSTER_LABEL, type DockerSync } from './kind/cleanup.ts';

/** A fake engine holding lab containers as "<run> <owner pid> <keep label>" lines, as the reaper's format prints them. */
function engine(containers: Record<string, [run: string, pid: number, keep: string]>) {
  const left = new Map(Object.entries(containers));
  const docker: DockerSync = (args) => {
    if (args.some((a) => a.startsWith(`label=${KIND_CLUSTER_LABEL}`))) return ''; // no kind clusters here
    if (args[0] === 'ps' && args.includes('--format')) return [...left.values()].map(([run, pid, keep]) => `${run} ${pid} ${keep}`).join('\n');
    if (args[0] === 'ps' && args[1] === '-aq') {
      const run = args.find((a) => a.startsWith(`label=${LABEL.run}=`))!.split('=')[2];
      return [...left].filter(([, [r]]) => r === run).map(([id]) => id).join('\n');
    }
    if (args[0] === 'rm') { for (const id of args.slice(3)) left.delete(id); return ''; }
    if (args[0] === 'volume') return '';
    throw new Error(`unexpected docker ${args.join(' ')}`);
  };
  return { docker, left };
}

describe('the reaper of dead runs', () => {
  it('removes a dead run\'s containers, keeps a live run\'s and what a KEEP=1 run kept on purpose', () => {
    const e = engine({ dead1: ['rundead', 999_999, ''], live1: ['runlive', 4242, ''], kept1: ['runkept', 999_998, '1'], kept2: ['runkept', 999_998, '1'] });
    expect(reapOrphansSync(e.docker, (pid) => pid === 4242)).toBe(1);
    expect([...e.left.keys()].sort()).toEqual(['kept1', 'kept2', 'live1']);
  });

  it('never sees an empty owner: a child told not to inherit its parent\'s owner is its own', () => {
    const saved = process.env.CNI_CONFORMANCE_OWNER_PID;
    try {
      process.env.CNI_CONFORMANCE_OWNER_PID = '';
      expect(runLabels('r1')[LABEL.owner]).toBe(String(process.pid));
      process.env.CNI_CONFORMANCE_OWNER_PID = '4242';
      expect(runLabels('r1')[LABEL.owner]).toBe('4242');
    } finally {
      if (saved === undefined) delete process.env.CNI_CONFORMANCE_OWNER_PID;
      else process.env.CNI_CONFORMANCE_OWNER_PID = saved;
    }
  });

  it('is told by the labels a kept cluster carries', () => {
    expect(runLabels('r1', 'calico-lab', true)[LABEL.keep]).toBe('1');
    expect(runLabels('r1', 'calico-lab')).not.toHaveProperty(LABEL.keep);
  });
});

describe('npm run cleanup and a concurrent live run', () => {
  /** Kind node containers of two runs, and their run markers (volumes) with owner pids. */
  function engine(markers: Record<string, number>) {
    const nodes = new Map([['n-live', 'cnc-runlive-kf'], ['n-dead', 'cnc-rundead-kf']]);
    const docker: DockerSync = (args) => {
      if (args[0] === 'volume' && args[1] === 'ls') {
        const name = args[args.indexOf('--filter') + 1]!.replace(/^name=/, '');
        return Object.entries(markers).filter(([run]) => `cnc-run-${run}`.includes(name)).map(([run, pid]) => `cnc-run-${run} ${hostname()} ${pid}`).join('\n');
      }
      if (args[0] === 'ps' && args.includes('{{.ID}} {{.Names}}')) { const c = args[args.indexOf('--filter') + 1]!.split('=').at(-1); return [...nodes].filter(([, n]) => n === c).map(([id]) => `${id} ${id}`).join('\n'); }
      if (args[0] === 'ps' && args.includes('--format')) return [...nodes.values()].join('\n');
      if (args[0] === 'rm') { for (const id of args.slice(3)) nodes.delete(id); return ''; }
      throw new Error(`unexpected docker ${args.join(' ')}`);
    };
    return { docker, nodes };
  }

  it('leaves the clusters of a run whose owner is alive, deletes those of a dead one', () => {
    const e = engine({ runlive: 4242, rundead: 999_999 });
    const result = removeKindClustersOfRunsSync(['runlive', 'rundead'], e.docker, (pid) => pid === 4242);
    expect(result.live).toEqual([{ run: 'runlive', owner: `${hostname()} pid 4242` }]);
    expect(result.removed).toBe(1);
    expect([...e.nodes.keys()]).toEqual(['n-live']);
    expect(liveRunOwner('rundead', e.docker, (pid) => pid === 4242)).toBeUndefined();
  });
});
