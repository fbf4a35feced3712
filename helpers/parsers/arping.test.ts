import { describe, expect, it } from 'vitest';
import { parseArping } from './arping.ts';
import { fixture } from './fixture.ts';

describe('parseArping', () => {
  it('reads the answering MAC and the counts of an answered request', () => {
    expect(parseArping(fixture('arping', 'lab-bookworm-reply.txt'))).toEqual({
      sent: 1, broadcasts: 1, received: 1, replies: [{ address: '10.9.0.2', mac: '26:53:7b:90:89:1a', kind: 'unicast' }], unparsed: [],
    });
  });
  it('reads an unanswered request as 1 sent, 0 received', () => {
    expect(parseArping(fixture('arping', 'lab-bookworm-no-reply.txt'))).toEqual({ sent: 1, broadcasts: 1, received: 0, replies: [], unparsed: [] });
  });
  it('reports the error line of a run that could not send', () => {
    expect(parseArping(fixture('arping', 'lab-bookworm-no-device.txt'))).toEqual({
      sent: 0, broadcasts: 0, received: 0, replies: [], unparsed: ['arping: Device nosuch not available.'],
    });
  });
});
