import { describe, expect, it } from 'vitest';
import { Unanswered } from '../clusters/unanswered.ts';
import { Inconclusive, inconclusiveOf, isUnobserved, unobserved, verdictOf } from './verdict.ts';

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

  it('a command nothing answered is INCONCLUSIVE with its cause, also behind a failed apply; a harness bug stays an ERROR', () => {
    const said = 'Unable to connect to the server: net/http: TLS handshake timeout';
    const cause = new Unanswered('kubectl -n kube-system get pods', 'context kind-c1', said);
    const direct = inconclusiveOf(cause, 'X-SVC-1 could not be observed');
    expect(direct?.message).toBe(`INCONCLUSIVE: X-SVC-1 could not be observed:\n  - could not observe: kubectl -n kube-system get pods in context kind-c1 (${said})`);
    expect(verdictOf(direct!.causes)).toBe('inconclusive');
    const wrapped = new Error('negative control "drop-tcp" failed while applying: ...', { cause });
    expect(inconclusiveOf(wrapped, 'X-POD-1 negative control "drop-tcp" could not be observed')?.causes).toEqual([unobserved(`kubectl -n kube-system get pods in context kind-c1`, said)]);
    const already = new Inconclusive('X-POD-1 could not be observed', ['a']);
    expect(inconclusiveOf(already, 'ignored')).toBe(already);
    expect(inconclusiveOf(new TypeError("Cannot read properties of undefined (reading 'mtu')"), 'X-MTU-1')).toBeUndefined();
    expect(inconclusiveOf(new Error('ip-route: a line it does not understand: "foo"'), 'K-VX-1')).toBeUndefined();
  });
});
