import { describe, expect, it } from 'vitest';
import { lVx1, type FlannelVxlanView } from './l-vx-1.ts';

const [macA, macB] = ['66:0a:00:00:00:01', '66:0b:00:00:00:02'];
const view = (node: string, address: string, mac: string, subnet: string, r: { subnet: string; mac: string; ip: string }): FlannelVxlanView => ({
  node, address, missingEnv: [],
  device: { vni: 1, dstport: 8472, learning: false, mac, up: true },
  vtepIps: [subnet.split('/')[0]!],
  subnets: [subnet],
  routes: [{ dst: r.subnet, via: r.subnet.split('/')[0]!, onlink: true }],
  neighbours: [{ address: r.subnet.split('/')[0]!, lladdr: r.mac, state: 'PERMANENT' }],
  fdb: [{ mac: r.mac, dst: r.ip, state: 'permanent' }],
});
const a = view('node-a', '172.30.0.11', macA, '10.244.0.0/24', { subnet: '10.244.1.0/24', mac: macB, ip: '172.30.0.12' });
const b = view('node-b', '172.30.0.12', macB, '10.244.1.0/24', { subnet: '10.244.0.0/24', mac: macA, ip: '172.30.0.11' });

describe('L-VX-1 expectation', () => {
  it('holds for flannel.1 VNI 1, port 8472, nolearning, with static state per remote /24', () => {
    expect(lVx1.expect([a, b])).toEqual([]);
  });

  it('names the missing neighbour, matching the negative control', () => {
    const problems = lVx1.expect([{ ...a, neighbours: [] }, b]);
    expect(problems).toEqual([`node node-a: neighbour 10.244.1.0 on flannel.1 is missing, expected lladdr ${macB} PERMANENT (VTEP of node-b)`]);
    expect(problems[0]).toMatch(lVx1.negativeControls[0]!.expectFailure);
  });

  it('fails on learning, a wrong port and an incomplete subnet.env', () => {
    expect(lVx1.expect([{ ...a, missingEnv: ['FLANNEL_MTU'], device: { ...a.device!, learning: true, dstport: 4789 } }, b])).toEqual([
      'node node-a: /run/flannel/subnet.env lacks FLANNEL_MTU',
      'node node-a: flannel.1 dstport 4789, expected 8472',
      'node node-a: flannel.1 learns source MACs, expected nolearning',
    ]);
  });
});
