import { describe, expect, it } from 'vitest';
import { fundFrr } from './fund-frr.ts';

const conf = (name: string) => fundFrr.nodes.find((n) => n.name === name)!.files!['/etc/frr/frr.conf']!;

describe('fund-frr FRR configuration', () => {
  it('gives every BGP router lab timers: keepalive 1 / hold 3, coalesce 100 ms, and every neighbour connect 1 s and advertisement interval 0', () => {
    for (const router of ['ar1', 'ar2', 'ar3', 'ar4']) {
      const text = conf(router);
      expect(text).toMatch(/^ timers bgp 1 3$/m);
      expect(text).toMatch(/^ coalesce-time 100$/m);
      const neighbours = [...new Set([...text.matchAll(/^ neighbor (\S+) remote-as/gm)].map((m) => m[1]!))];
      expect(neighbours.length).toBeGreaterThan(0);
      for (const n of neighbours) {
        expect(text).toContain(` neighbor ${n} timers connect 1\n`);
        expect(text).toContain(` neighbor ${n} advertisement-interval 0\n`);
      }
    }
  });
  it('runs OSPF with sub-second hellos on every OSPF interface and no LSA min-arrival', () => {
    for (const router of ['ar1', 'ar2', 'ar3']) {
      const text = conf(router);
      expect(text).toMatch(/^ timers lsa min-arrival 0$/m);
      const interfaces = [...text.matchAll(/^interface (\S+)\n((?: .*\n)*)/gm)];
      expect(interfaces.length).toBeGreaterThan(0);
      for (const [, , body] of interfaces) {
        expect(body).toContain(' ip ospf network point-to-point\n');
        expect(body).toContain(' ip ospf dead-interval minimal hello-multiplier 4\n');
      }
    }
  });
});
