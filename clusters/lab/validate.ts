import type { LabProfile } from './types.ts';

/** Collects every problem of a lab profile before anything is created. */
export function labProfileProblems(profile: LabProfile): string[] {
  const problems: string[] = [];
  const names = profile.nodes.map((n) => n.name);
  const known = new Set(names);
  for (const name of names.filter((n, i) => names.indexOf(n) !== i)) problems.push(`node "${name}" is declared twice`);
  for (const name of names) if (!/^[a-z][a-z0-9-]{0,20}$/.test(name)) problems.push(`node "${name}": use lower-case letters, digits and dashes (at most 21)`);
  const ends = profile.links.flatMap((l) => (l.kind === 'p2p' ? [l.a, l.b] : l.members));
  for (const end of ends) {
    if (!known.has(end.node)) problems.push(`link end ${end.node}/${end.iface}: node "${end.node}" is not declared; nodes: ${names.join(', ')}`);
    if (end.iface.length > 15) problems.push(`link end ${end.node}/${end.iface}: interface names are at most 15 characters`);
    if (end.address && !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(end.address)) problems.push(`link end ${end.node}/${end.iface}: address "${end.address}" is not IPv4 CIDR`);
  }
  const endKeys = ends.map((e) => `${e.node}/${e.iface}`);
  for (const key of endKeys.filter((k, i) => endKeys.indexOf(k) !== i)) problems.push(`interface ${key} is used by two links`);
  const pods = profile.pods.map((p) => p.name);
  for (const pod of profile.pods) {
    if (!known.has(pod.node)) problems.push(`pod "${pod.name}": node "${pod.node}" is not declared`);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(pod.address)) problems.push(`pod "${pod.name}": address "${pod.address}" is not IPv4`);
  }
  for (const name of pods.filter((n, i) => pods.indexOf(n) !== i)) problems.push(`pod "${name}" is declared twice`);
  return problems.map((p) => `profile "${profile.name}": ${p}`);
}
