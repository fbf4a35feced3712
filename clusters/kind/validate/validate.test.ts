import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { kindProfiles } from '../../profiles/kind/index.ts';
import { buildPlan } from '../plan.ts';
import { loadKindProfile } from '../profiles.ts';
import { loadCalicoCrd, validateCalicoResource, goPatternToJs } from './calico-resources.ts';
import { enumeratedPaths, loadCiliumUpstream, parseRemovedValues, validateCiliumValues } from './cilium-values.ts';
import { validationUnavailable, validatePlan } from './index.ts';
import { validateKindConfig } from './kind-config.ts';
import { loadKindClusterSchema, parseKindTypes } from './kind-types.ts';
import { readUpstream } from './upstream.ts';
import { docComment, enumeratedValues } from './values-comments.ts';

const unavailable = validationUnavailable();
const suite = describe.skipIf(unavailable !== undefined);

suite(`plans against upstream ${unavailable ? `(skipped: ${unavailable})` : ''}`, () => {
  test.each(kindProfiles.map((p) => p.name))('%s renders a plan upstream accepts', (name) => {
    const profile = loadKindProfile(name);
    expect(validatePlan(buildPlan(profile, { runId: 'unit', dir: '/tmp/plan', kindGateway: '172.18.0.1' }), profile)).toEqual([]);
  });
});

suite('cilium values checks', () => {
  const upstream = unavailable ? undefined : loadCiliumUpstream();

  test('the notes\' outdated keys and a nonsense mode each give one error naming key, value and fix', () => {
    const errors = validateCiliumValues({ kubeProxyReplacement: 'strict', tunnel: 'vxlan', routingMode: 'bogus' }, upstream!);
    expect(errors).toHaveLength(3);
    expect(errors.find((e) => e.includes('kubeProxyReplacement'))).toMatch(/"strict" is not an allowed value; use one of "true", "false"/);
    expect(errors.find((e) => e.includes('"tunnel"'))).toMatch(/removed from the chart.*removed in v1\.15/);
    expect(errors.find((e) => e.includes('routingMode'))).toMatch(/"bogus".*"native", "tunnel"/);
  });

  test('the schema alone accepts those values (it has types, no enums): the extra checks are what catch them', () => {
    const errors = validateCiliumValues({ kubeProxyReplacement: 'strict', tunnel: 'vxlan', routingMode: 'bogus' }, { ...upstream!, templatePaths: new Set(['tunnel']), removed: new Map(), enums: new Map() });
    expect(errors).toEqual([]);
  });

  test('a misspelt key is unknown; a key only the templates read (loadBalancer.mode) is known', () => {
    expect(validateCiliumValues({ autoDirectNodeRoute: true }, upstream!)).toEqual([expect.stringMatching(/key "autoDirectNodeRoute" is unknown/)]);
    expect(validateCiliumValues({ loadBalancer: { mode: 'dsr', dsrDispatch: 'opt' } }, upstream!)).toEqual([]);
  });

  test('type errors come from values.schema.json', () => {
    expect(validateCiliumValues({ cluster: { id: 'one' } }, upstream!)).toEqual([expect.stringMatching(/\/cluster\/id must be integer/)]);
  });

  test('enumerations are read from values.yaml comments, ipam.mode excepted (the chart does not list its modes)', () => {
    const valuesYaml = readUpstream('cilium/values.yaml');
    expect(enumeratedValues(docComment(valuesYaml, 'routingMode')!)).toEqual(['', 'native', 'tunnel']);
    expect(enumeratedValues(docComment(valuesYaml, 'tunnelProtocol')!)).toEqual(['', 'vxlan', 'geneve']);
    expect(enumeratedValues(docComment(valuesYaml, 'kubeProxyReplacement')!)).toEqual(['true', 'false']);
    expect(enumeratedValues(docComment(valuesYaml, 'loadBalancer.mode')!)).toEqual(['snat', 'dsr', 'hybrid']);
    expect(enumeratedValues(docComment(valuesYaml, 'ipam.mode') ?? '')).toBeUndefined();
    expect(upstream!.enums.get('ipam.mode')?.source).toMatch(/pkg\/ipam\/option/);
    expect([...upstream!.enums.keys()]).toEqual([...enumeratedPaths]);
    expect(validateCiliumValues({ ipam: { mode: 'host-scope' } }, upstream!)).toEqual([expect.stringMatching(/ipam\.mode="host-scope"/)]);
  });

  test('removed keys are parsed from the chart\'s fail messages, braces expanded', () => {
    const removed = parseRemovedValues(readUpstream('cilium/removed-values.txt'));
    expect(removed.get('tunnel')).toMatch(/^tunnel was deprecated/);
    expect([...removed.keys()]).toEqual(expect.arrayContaining(['encryption.keyFile', 'encryption.interface', 'proxy.prometheus.port', 'etcd.managed']));
    expect([...removed.keys()].every((k) => /^[A-Za-z0-9_.]+$/.test(k))).toBe(true);
  });
});

suite('calico resources against the CRDs', () => {
  test('ipipMode Sometimes is rejected with the allowed values', () => {
    const errors = validateCalicoResource({ kind: 'IPPool', name: 'p', spec: { cidr: '10.244.0.0/16', ipipMode: 'Sometimes' } });
    expect(errors).toEqual([expect.stringMatching(/IPPool "p".*\/spec\/ipipMode must be equal to one of the allowed values: \["Never","Always","CrossSubnet"\]/)]);
  });

  test('unknown fields, bad CIDRs, missing cidr and the CRD\'s CEL rule are all reported', () => {
    const errors = validateCalicoResource({ kind: 'IPPool', name: 'p', spec: { cidr: '10.244.0.0/33', ipipMode: 'Always', vxlanMode: 'Always', ipip: true } });
    expect(errors.join('\n')).toMatch(/unknown field "ipip"/);
    expect(errors.join('\n')).toMatch(/\/spec\/cidr must match format "cidr"/);
    expect(errors.join('\n')).toMatch(/ipipMode and vxlanMode cannot both be enabled/);
    expect(validateCalicoResource({ kind: 'IPPool', name: 'p', spec: {} })).toEqual([expect.stringMatching(/must have required property 'cidr'/)]);
  });

  test('BGP resources: int32 asNumber and selectors are typed', () => {
    expect(validateCalicoResource({ kind: 'BGPConfiguration', name: 'default', spec: { nodeToNodeMeshEnabled: 'no' } })).toEqual([expect.stringMatching(/nodeToNodeMeshEnabled must be boolean/)]);
    expect(validateCalicoResource({ kind: 'BGPPeer', name: 'x', spec: { peerSelector: 'has(rr)', asNumber: 'AS64512' } }).length).toBeGreaterThan(0);
    expect(loadCalicoCrd('IPPool').celRules.map((r) => r.message)).toContain('ipipMode and vxlanMode cannot both be enabled');
  });

  test('Go (?i) patterns become JavaScript character classes', () => {
    expect(goPatternToJs('^(?i)(Info|Debug)?$')).toBe('^([iI][nN][fF][oO]|[dD][eE][bB][uU][gG])?$');
    expect(validateCalicoResource({ kind: 'BGPConfiguration', name: 'default', spec: { logSeverityScreen: 'info' } })).toEqual([]);
    expect(validateCalicoResource({ kind: 'BGPConfiguration', name: 'default', spec: { logSeverityScreen: 'loud' } })).toHaveLength(1);
  });
});

suite('kind configs against v1alpha4 types', () => {
  const schema = unavailable ? {} : loadKindClusterSchema();

  test('field names and enums come from the Go json tags and constants', () => {
    const types = parseKindTypes(readUpstream('kind/v1alpha4-types.go.txt'));
    expect(types.structs.get('Networking')?.map((f) => f.json)).toEqual(expect.arrayContaining(['podSubnet', 'kubeProxyMode', 'disableDefaultCNI']));
    // The public types omit "none"; kind's internal types and validate.go accept it, and the schema adds it back.
    expect(types.enums.get('ProxyMode')).toEqual(['iptables', 'ipvs', 'nftables']);
  });

  test('an unknown field, a wrong type and a bad kube-proxy mode are each reported', () => {
    const config = parse(buildPlan(loadKindProfile('cilium-kpr'), { runId: 'unit', dir: '/tmp/p' }).files['kind/cnc-unit-cil-kpr.yaml']!) as Record<string, unknown>;
    expect(validateKindConfig(config, schema)).toEqual([]);
    const broken = { ...config, networking: { disableDefaultCNI: 'yes', kubeProxyMode: 'userspace', podSubnet: '10.244.0.0/40' }, kubeProxyReplacement: true };
    const errors = validateKindConfig(broken, schema);
    expect(errors.join('\n')).toMatch(/unknown field "kubeProxyReplacement"/);
    expect(errors.join('\n')).toMatch(/disableDefaultCNI must be boolean/);
    expect(errors.join('\n')).toMatch(/kubeProxyMode must be equal to one of the allowed values: \["iptables","ipvs","nftables","none"\]/);
    expect(errors.join('\n')).toMatch(/podSubnet "10.244.0.0\/40" is not a CIDR/);
  });
});
