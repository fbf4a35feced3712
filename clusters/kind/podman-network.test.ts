import { describe, expect, it } from 'vitest';
import type { EngineCli } from '../engine.ts';
import { allowIntraBridge, ensurePodmanKindNetwork, intraBridgeRule, kindUlaSubnet, removeForwardRulesSync, removeRunNetworkSync, type HostIptables } from './podman-network.ts';

describe('kind\'s podman network, made as kind makes it', () => {
  it('has the IPv6 subnet kind derives from its name (the network kind v0.32.0 itself created here: fc00:f853:ccd:e793::/64)', () => {
    expect(kindUlaSubnet()).toBe('fc00:f853:ccd:e793::/64');
    expect(kindUlaSubnet('kind', 1)).not.toBe(kindUlaSubnet());
  });

  it('is created only when missing, and its bridge is read back', async () => {
    const calls: string[] = [];
    const cli = (exists: boolean): EngineCli => async (args) => {
      calls.push(args.join(' '));
      if (args[1] === 'exists') return { stdout: '', stderr: '', exitCode: exists ? 0 : 1 };
      if (args[1] === 'inspect') return { stdout: 'podman1\n', stderr: '', exitCode: 0 };
      return { stdout: 'kind\n', stderr: '', exitCode: 0 };
    };
    expect(await ensurePodmanKindNetwork('run1', cli(true))).toEqual({ created: false, bridge: 'podman1' });
    expect(calls.some((c) => c.includes('create'))).toBe(false);
    expect(await ensurePodmanKindNetwork('run1', cli(false))).toEqual({ created: true, bridge: 'podman1' });
    expect(calls).toContain(`network create -d=bridge --label cni-conformance.run=run1 --ipv6 --subnet ${kindUlaSubnet()} kind`);
  });
});

describe('the host FORWARD rule for pod traffic between kind nodes', () => {
  function host(): { iptables: HostIptables; rules: string[][] } {
    const rules: string[][] = [];
    const same = (a: string[], b: string[]) => a.join(' ') === b.join(' ');
    const iptables: HostIptables = async (args) => {
      const [op, chain, ...rest] = args;
      const spec = op === '-I' ? rest.slice(1) : rest;
      const i = rules.findIndex((r) => same(r, [chain!, ...spec]));
      if (op === '-C') return { exitCode: i >= 0 ? 0 : 1, stderr: '' };
      if (op === '-I') { rules.unshift([chain!, ...spec]); return { exitCode: 0, stderr: '' }; }
      if (op === '-D' && i >= 0) { rules.splice(i, 1); return { exitCode: 0, stderr: '' }; }
      return { exitCode: 1, stderr: 'iptables: Bad rule' };
    };
    return { iptables, rules };
  }

  it('is inserted first in FORWARD, tagged with the run, once; the undo removes exactly it', async () => {
    const h = host();
    const undo = await allowIntraBridge('podman1', 'run1', h.iptables);
    await allowIntraBridge('podman1', 'run1', h.iptables);
    expect(h.rules).toEqual([intraBridgeRule('podman1', 'run1')]);
    expect(intraBridgeRule('podman1', 'run1').join(' ')).toBe('FORWARD -i podman1 -o podman1 -m comment --comment cni-conformance run run1: kind nodes route pod traffic -j ACCEPT');
    const other = await allowIntraBridge('podman1', 'run2', h.iptables);
    await undo();
    expect(h.rules).toEqual([intraBridgeRule('podman1', 'run2')]);
    await other();
    expect(h.rules).toEqual([]);
  });
});

describe('npm run cleanup after a podman run that died', () => {
  it('removes the FORWARD rules of the runs it is given, found as iptables -S lists them, and no other rule', () => {
    // `iptables -S FORWARD` on this machine during a run (iptables v1.8.9 nf_tables), plus a rule of another run and docker's.
    const listed = [
      '-P FORWARD DROP',
      '-A FORWARD -i podman1 -o podman1 -m comment --comment "cni-conformance run gsaerd2ec: kind nodes route pod traffic" -j ACCEPT',
      '-A FORWARD -i podman1 -o podman1 -m comment --comment "cni-conformance run other1: kind nodes route pod traffic" -j ACCEPT',
      '-A FORWARD -i docker0 -o docker0 -j ACCEPT',
    ].join('\n');
    const deleted: string[] = [];
    const iptables = (args: string[]) => { if (args[0] === '-S') return listed; deleted.push(args.join(' ')); return ''; };
    expect(removeForwardRulesSync(['gsaerd2ec'], iptables)).toBe(1);
    expect(deleted).toEqual([`-D ${intraBridgeRule('podman1', 'gsaerd2ec').join(' ')}`]);
    expect(removeForwardRulesSync(['gsaerd2ec'], () => { throw new Error('iptables: not found'); })).toBe(0);
  });
});

describe('the kind network a podman run made', () => {
  it('goes with the run (found by its label), unless a container still uses it', () => {
    const calls: string[] = [];
    const podman = (inUse: boolean) => (args: string[]) => {
      calls.push(args.join(' '));
      if (args[1] === 'ls') return 'kind\n';
      if (inUse) throw new Error('network is being used');
      return '';
    };
    expect(removeRunNetworkSync('run1', podman(false))).toBe(1);
    expect(calls).toEqual(['network ls --filter label=cni-conformance.run=run1 --format {{.Name}}', 'network rm kind']);
    expect(removeRunNetworkSync('run1', podman(true))).toBe(0);
  });
});
