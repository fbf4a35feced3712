import { describe, it, expect } from 'vitest';
import { parseClusterMeshStatus } from './cilium-clustermesh-status.ts';
import { fixture } from './fixture.ts';

const load = (name: string) => parseClusterMeshStatus(fixture('cilium-clustermesh-status', name));

describe('parseClusterMeshStatus', () => {
  it('reads a cluster before connect: access address, service type, no connection', () => {
    const s = load('seed-1.11-kind-c1-before-connect.txt');
    expect(s.accessAddresses).toEqual(['172.18.0.50:2379']);
    expect(s.serviceType).toBe('LoadBalancer');
    expect(s.clusters).toEqual([]);
    expect(s.nodes).toBeUndefined();
    expect(s.globalServices).toEqual({ min: 0, avg: 0, max: 0 });
  });

  it('reads the connected remote cluster and node count', () => {
    const s = load('seed-1.11-kind-c1-connected.txt');
    expect(s.nodes).toEqual({ total: 2, notConnected: 0 });
    expect(s.clusters).toEqual([{ name: 'cluster2', configured: 2, configuredOf: 2, connected: 2, connectedOf: 2 }]);
    expect(s.globalServices).toEqual({ min: 5, avg: 5, max: 5 });
  });

  it('reads the global service count after the example is deployed', () => {
    expect(load('seed-1.11-kind-c1-global-6.txt').globalServices?.max).toBe(6);
  });

  it('throws on unrelated text', () => {
    expect(() => parseClusterMeshStatus('Error: Unable to determine status: clustermesh-apiserver not found')).toThrow(/no known line/);
  });
  it('reports lines that are not cilium-cli status lines, none on the real samples', () => {
    expect(load('seed-1.11-kind-c1-connected.txt').unparsed).toEqual([]);
    expect(load('seed-1.11-kind-c1-global-6.txt').unparsed).toEqual(['root@172-16-100-7:~# cilium clustermesh status  --context kind-c1']);
    expect(load('seed-1.11-kind-c1-before-connect.txt').unparsed).toEqual(['root@172-16-100-7:~# cilium clustermesh  status --context kind-c1']);
    const text = `${fixture('cilium-clustermesh-status', 'seed-1.11-kind-c1-connected.txt')}Error: Unable to determine status:  timeout while waiting for status\n`;
    expect(parseClusterMeshStatus(text).unparsed).toEqual(['Error: Unable to determine status:  timeout while waiting for status']);
  });
});
