import { describe, expect, it } from 'vitest';
import { Inconclusive, isUnobserved, unobserved, verdictOf } from './verdict.ts';

describe('verdicts', () => {
  it('PASS without problems, FAIL with any observed one, INCONCLUSIVE when nothing failing could be observed', () => {
    const notSeen = unobserved('pod-a1 -> pod-b1: TCP 8080: no answer', 'the client did not run: sh exited 137');
    expect(notSeen).toBe('could not observe: pod-a1 -> pod-b1: TCP 8080: no answer (the client did not run: sh exited 137)');
    expect(isUnobserved(notSeen)).toBe(true);
    expect(verdictOf([])).toBe('pass');
    expect(verdictOf([notSeen])).toBe('inconclusive');
    expect(verdictOf([notSeen, 'node-a: proxy_arp = 0, expected 1'])).toBe('fail');
  });

  it('an Inconclusive error says what could not be observed and lists every cause', () => {
    const e = new Inconclusive('X-POD-1 could not be observed on calico-lab', ['a', 'b']);
    expect(e.message).toBe('INCONCLUSIVE: X-POD-1 could not be observed on calico-lab:\n  - a\n  - b');
    expect(e.causes).toEqual(['a', 'b']);
  });
});
