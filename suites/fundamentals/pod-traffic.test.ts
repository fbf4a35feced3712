import { expect, it } from 'vitest';
import type { Executor } from '../../clusters/types.ts';
import { udpTry } from './pod-traffic.ts';

// Outputs recorded on the lab image (bash 5.2, bookworm) from pod-a of fund-vxlan, its lab pod servers running.
const answering: Executor = { exec: async () => ({ stdout: 'read=0 got=1 p\n', stderr: '', exitCode: 0 }) };
// Without -N 1 (the older script) read waited out -t after the first byte: still an answer.
const answeringLate: Executor = { exec: async () => ({ stdout: 'read=142 got=1 p\n', stderr: '', exitCode: 0 }) };
const refusing: Executor = { exec: async () => ({ stdout: 'read=1 got=0 \n', stderr: 'bash: read: read error: 0: Connection refused\n', exitCode: 0 }) };
const silent: Executor = { exec: async () => ({ stdout: 'read=142 got=0 \n', stderr: '', exitCode: 0 }) };

it('a datagram reply counts though bash reads only its first byte', async () => {
  expect((await udpTry(answering, '10.244.2.2')).value).toBe('answered');
  expect((await udpTry(answeringLate, '10.244.2.2')).value).toBe('answered');
  expect((await udpTry(refusing, '10.244.2.2')).value).toBe('refused');
  expect((await udpTry(silent, '10.244.2.2')).value).toBe('silent');
});
