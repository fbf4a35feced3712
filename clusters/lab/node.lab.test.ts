import { describe, expect, it } from 'vitest';
import { docker } from '../docker.ts';
import { newRunId, runLabels } from '../run.ts';
import { ensureLabImage } from './image.ts';
import { startNodeContainer } from './node.ts';

describe('lab node container', () => {
  // This host may run no AppArmor; GitHub's runners do, and docker-default there denies the node's mounts and net.* sysctls.
  it('runs without AppArmor profile (docker-default denies mount and /proc/sys/net writes), with NET_ADMIN + SYS_ADMIN only', async () => {
    const { tag } = await ensureLabImage();
    const runId = newRunId();
    const container = await startNodeContainer({ image: tag, containerName: `cnc-${runId}-apparmor`, labels: runLabels(runId, 'apparmor') });
    try {
      const inspected = await docker(['inspect', '-f', '{{json .HostConfig.SecurityOpt}} {{.HostConfig.Privileged}} {{json .HostConfig.CapAdd}}', container.getId()]);
      const [securityOpt, privileged, capAdd] = inspected.stdout.trim().split(' ');
      expect((JSON.parse(securityOpt!) as string[] | null) ?? []).toContain('apparmor=unconfined');
      expect(privileged).toBe('false');
      expect((JSON.parse(capAdd!) as string[]).map((c) => c.replace(/^CAP_/, '')).sort()).toEqual(['NET_ADMIN', 'SYS_ADMIN']);
      // What docker-default would deny: a net.* sysctl write and a netns (bind mount).
      const probe = await container.exec(['sh', '-ec', 'sysctl -qw net.ipv4.conf.all.proxy_arp=0 && ip netns add cnc-probe && ip netns del cnc-probe']);
      expect(probe.exitCode, probe.output).toBe(0);
    } finally {
      await container.stop({ remove: true });
    }
  }, 120_000);
});
