import { describe, expect, it } from 'vitest';
import { parseSubnetEnv, parseSubnetEnvWithUnparsed, subnetNetwork } from './flannel-subnet-env.ts';

describe('parseSubnetEnv', () => {
  it('reads the file flanneld writes', () => {
    const env = parseSubnetEnv('FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    expect(env).toEqual({ FLANNEL_NETWORK: '10.244.0.0/16', FLANNEL_SUBNET: '10.244.1.1/24', FLANNEL_MTU: '1450', FLANNEL_IPMASQ: 'true' });
  });
  it('reads nothing from an error', () => {
    expect(parseSubnetEnv('cat: /run/flannel/subnet.env: No such file or directory')).toEqual({});
    expect(parseSubnetEnvWithUnparsed('cat: /run/flannel/subnet.env: No such file or directory').unparsed).toEqual(['cat: /run/flannel/subnet.env: No such file or directory']);
  });
  it('turns the gateway CIDR into the node subnet', () => {
    expect(subnetNetwork('10.244.1.1/24')).toBe('10.244.1.0/24');
    expect(subnetNetwork('10.244.0.130/26')).toBe('10.244.0.128/26');
    expect(subnetNetwork('nonsense')).toBeUndefined();
  });
});
