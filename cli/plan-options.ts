import { kindProfileName } from '../clusters/profiles/index.ts';
import { parseArgs } from './args.ts';

export const PLAN_USAGE = 'usage: npm run plan -- NAME|kind/NAME [--out DIR] [--run-id ID] [--kind-gateway ADDRESS]';

export interface PlanOptionsFromArgs {
  /** The kind profile's own name (kind/ stripped). */
  profile: string;
  out?: string;
  runId: string;
  kindGateway?: string;
  help: boolean;
}

/** `npm run plan` arguments through the shared parser (cli/args.ts); the profile as a positional or --profile. */
export function parsePlanArgs(argv: string[]): PlanOptionsFromArgs {
  const args = parseArgs(argv, { values: ['profile', 'out', 'run-id', 'kind-gateway'], flags: ['help'] });
  if (args.flags.has('help')) return { profile: '', runId: 'plan', help: true };
  const refs = [...(args.values['profile'] ? [args.values['profile']] : []), ...args.positional];
  if (refs.length === 0) throw new Error(`missing profile name\n${PLAN_USAGE}`);
  if (refs.length > 1) throw new Error(`only one profile per plan, got ${refs.join(', ')}\n${PLAN_USAGE}`);
  const gateway = args.values['kind-gateway'];
  if (gateway !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(gateway)) throw new Error(`--kind-gateway ${gateway}: not an IPv4 address`);
  return {
    profile: kindProfileName(refs[0]!),
    runId: args.values['run-id'] ?? 'plan',
    help: false,
    ...(args.values['out'] ? { out: args.values['out'] } : {}),
    ...(gateway ? { kindGateway: gateway } : {}),
  };
}
