/**
 * How long calico-lab takes to be ready (nodes up, links wired, pods plugged, first cross-node ping answered),
 * beside the same topology built with raw docker + ip commands: the floor.
 */
import { execa } from 'execa';
import { labProvider } from '../clusters/lab/provider.ts';
import { calicoLab } from '../clusters/profiles/lab/calico-lab.ts';
import { runLabels } from '../clusters/run.ts';
import { median } from '../helpers/stats.ts';

async function timeLab(runId: string): Promise<number> {
  const started = performance.now();
  const cluster = await labProvider.create(calicoLab, { runId });
  const ping = await cluster.pod('pod-a1').exec(['ping', '-c1', '-W2', '10.244.0.74']);
  if (ping.exitCode !== 0) throw new Error(`calico-lab came up but pod-a1 cannot reach pod-b1: ${ping.stdout}`);
  const seconds = (performance.now() - started) / 1000;
  await cluster.destroy();
  return seconds;
}

/** The floor: two containers, one veth, the same pods and routes, all by hand with docker and ip. */
async function timeRaw(runId: string, image: string, i: number): Promise<number> {
  const started = performance.now();
  const labels = Object.entries(runLabels(runId, `raw${i}`)).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const names = ['a', 'b'].map((n) => `cc-${runId}-raw${i}-${n}`);
  await Promise.all(names.map((name) => execa('docker', ['run', '-d', '--name', name, '--network', 'none', '--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_ADMIN', ...labels, image, 'sleep', 'infinity'])));
  const pids = (await execa('docker', ['inspect', '-f', '{{.State.Pid}}', ...names])).stdout.split('\n');
  await execa('docker', ['run', '--rm', '--pid', 'host', '--network', 'none', '--cap-add', 'NET_ADMIN', '--cap-add', 'SYS_ADMIN', ...labels, image,
    'ip', 'link', 'add', 'eth0', 'netns', pids[0]!, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pids[1]!]);
  const node = (addr: string, other: string, otherBlock: string, pods: Array<[string, string]>) => [
    'mount -o remount,rw /proc/sys', 'sysctl -qw net.ipv4.ip_forward=1',
    `ip addr add ${addr}/24 dev eth0`, 'ip link set eth0 up', 'ip route add default dev eth0', `ip route add ${otherBlock} via ${other} dev eth0`,
    ...pods.flatMap(([pod, ip]) => [
      `ip netns add ${pod}`, `ip link add cali${pod} type veth peer name eth0 netns ${pod}`, `ip link set cali${pod} address ee:ee:ee:ee:ee:ee`,
      `sysctl -qw net.ipv4.conf.cali${pod}.proxy_arp=1`, `ip link set cali${pod} up`, `ip -n ${pod} addr add ${ip}/32 dev eth0`, `ip -n ${pod} link set eth0 up`,
      `ip -n ${pod} route add 169.254.1.1 dev eth0 scope link`, `ip -n ${pod} route add default via 169.254.1.1 dev eth0`, `ip route add ${ip}/32 dev cali${pod}`,
    ]),
  ].join('\n');
  await Promise.all([
    execa('docker', ['exec', names[0]!, 'sh', '-ec', node('172.30.0.11', '172.30.0.12', '10.244.0.64/26', [['a1', '10.244.0.10'], ['a2', '10.244.0.11']])]),
    execa('docker', ['exec', names[1]!, 'sh', '-ec', node('172.30.0.12', '172.30.0.11', '10.244.0.0/26', [['b1', '10.244.0.74'], ['b2', '10.244.0.75']])]),
  ]);
  await execa('docker', ['exec', names[0]!, 'ip', 'netns', 'exec', 'a1', 'ping', '-c1', '-W2', '10.244.0.74']);
  const seconds = (performance.now() - started) / 1000;
  await execa('docker', ['rm', '-f', ...names]);
  return seconds;
}

export interface ReadyFigures {
  lab: number[];
  raw: number[];
  ratio: number;
}

/** Interleaved runs, so that both see the same machine load. */
export async function benchReady(runId: string, image: string, runs: number): Promise<ReadyFigures> {
  const lab: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) {
    raw.push(await timeRaw(runId, image, i));
    lab.push(await timeLab(runId));
  }
  return { lab, raw, ratio: median(lab) / median(raw) };
}

/**
 * The raw docker + ip floor alone (median of `runs`), measured in the run whose other figures it divides: machines of
 * one kind differ 2.5x in it, so times from different machines compare only as ratios to their own floor.
 */
export async function rawFloor(runId: string, image: string, runs: number, offset = 100): Promise<number> {
  const raw: number[] = [];
  for (let i = 0; i < runs; i++) raw.push(await timeRaw(runId, image, offset + i));
  return median(raw);
}
