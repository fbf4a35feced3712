import { describe, expect, it } from 'vitest';
import { ReplyReader, requestLine } from './exec-agent.ts';

describe('exec agent framing', () => {
  it('encodes each argument as x + hex, so spaces, newlines and empty arguments survive the line', () => {
    expect(requestLine(7, ['ip', 'a b', ''])).toBe(`7 x${Buffer.from('ip').toString('hex')} x${Buffer.from('a b').toString('hex')} x\n`);
  });
  it('reads replies split across chunks and several in one chunk', () => {
    const r = new ReplyReader();
    expect(r.push(Buffer.from('ready\n1 0 3 0\nab'))).toEqual([]);
    expect(r.push(Buffer.from('c2 1 0 4\nerr\n3 2 0 0\n'))).toEqual([
      { id: 1, result: { exitCode: 0, stdout: 'abc', stderr: '' } },
      { id: 2, result: { exitCode: 1, stdout: '', stderr: 'err\n' } },
      { id: 3, result: { exitCode: 2, stdout: '', stderr: '' } },
    ]);
  });
  it('counts bytes, not characters, in multi-byte output', () => {
    const r = new ReplyReader();
    const body = Buffer.from('ü\n');
    expect(r.push(Buffer.concat([Buffer.from(`ready\n4 0 ${body.length} 0\n`), body]))).toEqual([{ id: 4, result: { exitCode: 0, stdout: 'ü\n', stderr: '' } }]);
  });
  it('says what it got when the agent prints something that is no reply', () => {
    expect(() => new ReplyReader().push(Buffer.from('Can\'t locate POSIX.pm\n'))).toThrow(/expected "ready", got "Can't locate POSIX.pm"/);
    const r = new ReplyReader();
    expect(() => r.push(Buffer.from('ready\nhello\n'))).toThrow(/not a reply header: "hello"/);
  });
});
