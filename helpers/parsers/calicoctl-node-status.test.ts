import { describe, it, expect } from 'vitest';
import { parseCalicoNodeStatus } from './calicoctl-node-status.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseCalicoNodeStatus(fixture('calicoctl-node-status', name));

describe('parseCalicoNodeStatus', () => {
  it('reads the docs mesh sample', () => {
    const s = load('docs-3.32-mesh.txt');
    expect(s.calicoRunning).toBe(true);
    expect(s.birdRunning).toBe(true);
    expect(s.ipv4Peers).toEqual([{ address: '172.17.8.102', type: 'node-to-node mesh', state: 'up', since: '23:30:04', info: 'Established' }]);
    expect(s.ipv6Peers).toEqual([]);
  });

  it('reads node specific peers of a route-reflector client', () => {
    const s = load('v3.16.1-node-specific.txt');
    expect(s.ipv4Peers.map((p) => p.address)).toEqual(['192.168.0.2', '192.168.0.235', '192.168.0.30', '192.168.0.35']);
    expect(new Set(s.ipv4Peers.map((p) => p.type))).toEqual(new Set(['node specific']));
  });

  it('reads peers stuck in start/Passive', () => {
    const s = load('mesh-start-passive.txt');
    expect(s.ipv4Peers).toHaveLength(6);
    expect(s.ipv4Peers[0]).toEqual({ address: '172.16.3.2', type: 'node-to-node mesh', state: 'start', since: '08:39:12', info: 'Passive' });
  });

  it('reports BIRD not running (current and 2022 wording)', () => {
    expect(load('bird-not-running.txt')).toEqual({ calicoRunning: true, birdRunning: false, ipv4Peers: [], ipv6Peers: [], birdErrors: [], unparsed: [] });
    expect(load('seed-no-bgp-backend.txt').birdRunning).toBe(false);
  });

  it('reads "No IPv4 peers found." as zero peers with BIRD up', () => {
    const s = load('no-ipv4-peers.txt');
    expect(s.birdRunning).toBe(true);
    expect(s.ipv4Peers).toEqual([]);
  });

  it('represents a BIRD socket that cannot be queried: not running as far as anyone can tell, with the error kept', () => {
    const s = load('v3.28.1-bird-socket-error.txt');
    expect(s.calicoRunning).toBe(true);
    expect(s.birdRunning).toBe(false);
    expect(s.birdErrors).toEqual([
      'Error querying BIRD: unable to connect to BIRDv4 socket: dial unix /var/run/bird/bird.ctl: connect: no such file or directory',
      'Error querying BIRD: unable to connect to BIRDv6 socket: dial unix /var/run/bird/bird6.ctl: connect: no such file or directory',
    ]);
    expect(s.ipv4Peers).toEqual([]);
    expect(s.unparsed).toEqual([]);
  });

  it('reports lines it does not know (a pasted shell prompt) and none on the clean docs sample', () => {
    expect(load('v3.16.1-node-specific.txt').unparsed).toEqual(['# DATASTORE_TYPE=kubernetes KUBECONFIG=./kubeconfig.json ./calicoctl-linux-arm64 node status']);
    expect(load('docs-3.32-mesh.txt').unparsed).toEqual([]);
    expect(load('mesh-start-passive.txt').unparsed).toEqual(['[root@docker ~]# calicoctl node status']);
  });

  it('throws on unrelated text', () => {
    expect(() => parseCalicoNodeStatus('sh: calicoctl: not found')).toThrow(/unrecognised output.*calicoctl node status/);
  });
});
