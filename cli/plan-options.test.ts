import { describe, expect, test } from 'vitest';
import { parsePlanArgs } from './plan-options.ts';

describe('npm run plan arguments', () => {
  test('kind/NAME, as suites and matrix print it, and the bare kind name both resolve', () => {
    expect(parsePlanArgs(['kind/calico-vxlan']).profile).toBe('calico-vxlan');
    expect(parsePlanArgs(['kind/flannel-host-gw', '--out', '/tmp/p']).out).toBe('/tmp/p');
    expect(parsePlanArgs(['cilium-kpr', '--run-id=abc'])).toEqual({ profile: 'cilium-kpr', runId: 'abc', help: false });
    expect(parsePlanArgs(['--profile', 'kind/calico-bgp-rr']).profile).toBe('calico-bgp-rr');
  });

  test('a name on both providers without a prefix means the kind one: plans are kind-only', () => {
    expect(parsePlanArgs(['calico-vxlan']).profile).toBe('calico-vxlan');
  });

  test('lab profiles, unknown names and options are refused with what is known', () => {
    expect(() => parsePlanArgs(['lab/calico-vxlan'])).toThrow(/profile "lab\/calico-vxlan": is a lab profile; plans render kind profiles \(known: kind\/calico-bgp-mesh, /);
    expect(() => parsePlanArgs(['calico-lab'])).toThrow(/is a lab profile/);
    expect(() => parsePlanArgs(['kind/nope'])).toThrow(/profile "kind\/nope": unknown profile; known: /);
    expect(() => parsePlanArgs(['cilium-kpr', '--outt', 'x'])).toThrow(/unknown option --outt; known: --profile, --out, --run-id, --kind-gateway, --help/);
    expect(() => parsePlanArgs([])).toThrow(/missing profile name/);
    expect(() => parsePlanArgs(['cilium-kpr', 'cilium-dsr'])).toThrow(/only one profile per plan, got cilium-kpr, cilium-dsr/);
    expect(() => parsePlanArgs(['calico-vpp', '--kind-gateway', 'fc00::1'])).toThrow(/not an IPv4 address/);
  });
});
