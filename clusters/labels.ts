/** Labels on everything a run creates; cleanup finds containers by them, never by name guesses. */
export const LABEL = {
  run: 'cni-conformance.run',
  owner: 'cni-conformance.owner-pid',
  host: 'cni-conformance.host',
  cluster: 'cni-conformance.cluster',
  /** "1" on what a KEEP=1 / --keep run left on purpose: the next run's reaper leaves it alone. */
  keep: 'cni-conformance.keep',
} as const;
