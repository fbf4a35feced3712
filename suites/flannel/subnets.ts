import type { Executor, NodeHandle } from '../../clusters/types.ts';
import { parseSubnetEnv, subnetNetwork, type SubnetEnv } from '../../helpers/parsers/flannel-subnet-env.ts';
import type { Probed } from '../../helpers/probes/net.ts';

export const SUBNET_ENV = '/run/flannel/subnet.env';
export const FLANNEL_DOCS = 'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md';

/** The read probeSubnetEnv makes, for a batch of reads (helpers/probes/read-batch.ts). */
export const SUBNET_ENV_READ = ['cat', SUBNET_ENV];

/** A node's flannel lease as flanneld wrote it: the env file and the /24 it names (read through `on`, the node by default). */
export async function probeSubnetEnv(node: NodeHandle, on: Executor = node): Promise<{ env: SubnetEnv; subnets: string[]; raw: Array<[string, Probed<unknown>]> }> {
  const r = await on.exec(SUBNET_ENV_READ);
  const env = r.exitCode === 0 ? parseSubnetEnv(r.stdout) : {};
  const subnet = env.FLANNEL_SUBNET ? subnetNetwork(env.FLANNEL_SUBNET) : undefined;
  return { env, subnets: subnet ? [subnet] : [], raw: [[node.name, { command: `cat ${SUBNET_ENV}`, raw: r.stdout || r.stderr, value: env }]] };
}
