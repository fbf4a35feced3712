import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import type { ExecResult } from '../types.ts';
import { commandText, Unanswered } from '../unanswered.ts';
import type { ExecChannel } from './exec-agent.ts';
import type { LabNode, LabNodeSpec } from './types.ts';

// Cleanup is ours (labels + exit hooks); Ryuk's image cannot be pulled everywhere.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export interface StartNodeOptions {
  image: string;
  containerName: string;
  labels: Record<string, string>;
}

/** A node container with Docker's init as PID 1, so that finished probes (tcpdump, ping) are reaped, not left as zombies. */
class InitContainer extends GenericContainer {
  withInit(): this {
    this.hostConfig.Init = true;
    return this;
  }
}

/**
 * Docker's AppArmor profile `docker-default`, applied to every container that is not --privileged where the host runs
 * AppArmor (GitHub's ubuntu-24.04 runners do: actions/runner-images images/ubuntu/scripts/build/install-container-tools.sh
 * loads profiles with apparmor_parser; moby daemon/apparmor_default.go gives it to every non-privileged container without an
 * apparmor= option, and daemon/oci_linux.go WithApparmor keeps it for `docker exec`), has `deny mount,` and `deny @{PROC}/sys/[^k]** w,`
 * (moby/profiles apparmor/testdata/default.golden@apparmor/v0.2.1, moby's profiles/apparmor/template.go). The node's
 * `mount -o remount,rw /proc/sys`, `ip netns add` (a bind mount) and every net.* sysctl would fail there. Unconfined drops
 * that profile only: capabilities stay NET_ADMIN + SYS_ADMIN, seccomp stays Docker's default, never --privileged.
 */
export const NODE_SECURITY_OPT = ['apparmor=unconfined'];

/** Starts a node container: network mode none, NET_ADMIN + SYS_ADMIN, no AppArmor profile, writable /proc/sys, forwarding on. */
export async function startNodeContainer(options: StartNodeOptions): Promise<StartedTestContainer> {
  const container = await new InitContainer(options.image)
    .withInit()
    .withName(options.containerName)
    .withLabels(options.labels)
    .withNetworkMode('none')
    .withAddedCapabilities('NET_ADMIN', 'SYS_ADMIN')
    .withSecurityOpt(...NODE_SECURITY_OPT)
    .withCommand(['sleep', 'infinity'])
    .withStartupTimeout(60_000)
    .start();
  const init = await container.exec([
    'sh', '-ec',
    'mount -o remount,rw /proc/sys; sysctl -qw net.ipv4.ip_forward=1; ip link set lo up; mkdir -p /run/netns',
  ]);
  if (init.exitCode !== 0) throw new Error(`failed to initialise node container ${options.containerName}: ${init.output}`);
  return container;
}

/** The handle the lab and the suites use for a node; its commands go through `channel` (exec-agent.ts) when given. */
export function labNode(spec: LabNodeSpec, container: StartedTestContainer, addresses: string[], channel?: ExecChannel): LabNode {
  const exec = async (argv: string[]): Promise<ExecResult> => {
    if (channel) return channel.exec(argv);
    // Through the Docker API (dockerode): a rejection is the engine's answer that the command never ran, e.g.
    // "(HTTP code 409) container stopped/paused - Container ... is not running" (clusters/unanswered.ts).
    const result = await container.exec(argv).catch((error: unknown) => {
      throw new Unanswered(commandText(argv), `container ${spec.name}`, error instanceof Error ? error.message : String(error));
    });
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  };
  const node: LabNode = {
    name: spec.name,
    role: spec.role,
    addresses,
    containerId: container.getId(),
    exec,
    // Through node.exec, so that a wrapper (the bench's command timer) sees every command.
    async sh(lines) {
      const result = await node.exec(['sh', '-ec', lines.join('\n')]);
      if (result.exitCode !== 0) {
        throw new Error(`failed to run on node ${spec.name} (exit ${result.exitCode}):\n${lines.join('\n')}\n--- output ---\n${result.stderr || result.stdout}`);
      }
      return result.stdout;
    },
    async writeFile(path, content) {
      const encoded = Buffer.from(content).toString('base64');
      const result = await node.exec(['sh', '-ec', `mkdir -p "$(dirname '${path}')" && echo '${encoded}' | base64 -d > '${path}'`]);
      if (result.exitCode !== 0) throw new Error(`failed to write ${path} on node ${spec.name}: ${result.stderr}`);
    },
  };
  return node;
}
