import type { NodeHandle } from '../../clusters/types.ts';
import { parseSubnetEnv, subnetNetwork, type SubnetEnv } from '../../helpers/parsers/flannel-subnet-env.ts';
import type { Probed } from '../../helpers/probes/net.ts';

export const SUBNET_ENV = '/run/flannel/subnet.env';
export const FLANNEL_DOCS = 'https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md';

/** A node's flannel lease as flanneld wrote it: the env file and the /24 it names. */
export async function probeSubnetEnv(node: NodeHandle): Promise<{ env: SubnetEnv; subnets: string[]; raw: Array<[string, Probed<unknown>]> }> {
  const r = await node.exec(['cat', SUBNET_ENV]);
  const env = r.exitCode === 0 ? parseSubnetEnv(r.stdout) : {};
  const subnet = env.FLANNEL_SUBNET ? subnetNetwork(env.FLANNEL_SUBNET) : undefined;
  return { env, subnets: subnet ? [subnet] : [], raw: [[node.name, { command: `cat ${SUBNET_ENV}`, raw: r.stdout || r.stderr, value: env }]] };
}
