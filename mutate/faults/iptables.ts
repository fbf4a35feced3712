import type { NodeHandle } from '../../clusters/types.ts';
import type { Breakage } from '../../suites/types.ts';
import { succeeds, waitFor } from '../exec.ts';

/**
 * Inserts one iptables rule (filter table) on a node; returns once `iptables -C` sees it, and the
 * undo once it is gone. The rule carries a comment naming the fault, so that nothing else is deleted.
 */
export async function insertRule(node: NodeHandle, chain: string, spec: string[], fault: string): Promise<Breakage> {
  const rule = [chain, ...spec, '-m', 'comment', '--comment', `cni-conformance mutate ${fault}`];
  const add = await node.exec(['iptables', '-I', ...rule]);
  if (add.exitCode !== 0) throw new Error(`${node.name}: iptables -I ${rule.join(' ')}: ${add.stderr.trim()}`);
  await waitFor(`${node.name}: iptables rule ${rule.join(' ')} present`, () => succeeds(node, ['iptables', '-C', ...rule]));
  return {
    what: `${node.name}: iptables -I ${chain} ${spec.join(' ')}`,
    async undo() {
      await node.exec(['iptables', '-D', ...rule]);
      await waitFor(`${node.name}: iptables rule ${rule.join(' ')} gone`, async () => !(await succeeds(node, ['iptables', '-C', ...rule])));
    },
  };
}
