import { describe, expect, it } from 'vitest';
import type { ClusterHandle, Profile } from '../clusters/types.ts';
import { laneCount, laneProfile, Lanes } from './lanes.ts';

const cluster = (name: string) => ({ name }) as ClusterHandle;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('lanes: clusters of one profile sharing its tests', () => {
  it('runs at most one test per lane at a time, and every test gets a lane', async () => {
    const lanes = new Lanes([cluster('a'), cluster('b')]);
    let busy = 0;
    let most = 0;
    const used = await Promise.all(Array.from({ length: 6 }, () => lanes.use(async (c) => {
      busy++;
      most = Math.max(most, busy);
      await tick();
      busy--;
      return c.name;
    })));
    expect(most).toBe(2);
    expect(new Set(used)).toEqual(new Set(['a', 'b']));
  });

  it('sends later tests to the other lane once one is retired (its undo failed)', async () => {
    const lanes = new Lanes([cluster('a'), cluster('b')]);
    await expect(lanes.use(async (c, retire) => { retire(`${c.name} left broken`); throw new Error('UNDO FAILED'); })).rejects.toThrow('UNDO FAILED');
    const after = await Promise.all([1, 2, 3].map(() => lanes.use(async (c) => { await tick(); return c.name; })));
    expect(after).toEqual(['b', 'b', 'b']);
  });

  it('fails the tests still waiting, with every reason, once no lane is left', async () => {
    const lanes = new Lanes([cluster('a')]);
    const first = lanes.use(async (_c, retire) => { await tick(); retire('cluster "a" was left broken by X-POD-1'); throw new Error('UNDO FAILED'); });
    const waiting = lanes.use(async () => 'probed');
    await expect(first).rejects.toThrow('UNDO FAILED');
    await expect(waiting).rejects.toThrow('not probed: cluster "a" was left broken by X-POD-1');
  });

  it('are for lab profiles: CNI_CONFORMANCE_LAB_LANES of them, one elsewhere and on an attached cluster', () => {
    const lab = { provider: 'lab', name: 'calico-lab' } as Profile;
    const kind = { provider: 'kind', name: 'calico-ipip' } as Profile;
    expect(laneCount(lab, {})).toBe(1);
    expect(laneCount(lab, { CNI_CONFORMANCE_LAB_LANES: '2' })).toBe(2);
    expect(laneCount(kind, { CNI_CONFORMANCE_LAB_LANES: '2' })).toBe(1);
    expect(laneCount(lab, { CNI_CONFORMANCE_LAB_LANES: '2', CNI_CONFORMANCE_ATTACH: 'kind-x' })).toBe(1);
    expect(() => laneCount(lab, { CNI_CONFORMANCE_LAB_LANES: 'two' })).toThrow('CNI_CONFORMANCE_LAB_LANES=two: expected a whole number from 1 to 8');
    expect(() => laneCount(lab, { CNI_CONFORMANCE_LAB_LANES: '0' })).toThrow('expected a whole number from 1 to 8');
  });

  it('differ only by name: the first lane is the profile itself', () => {
    const lab = { provider: 'lab', name: 'calico-lab', cni: 'calico' } as Profile;
    expect(laneProfile(lab, 0)).toBe(lab);
    expect(laneProfile(lab, 1)).toEqual({ ...lab, name: 'calico-lab-2' });
  });
});
