/**
 * The probes' UDP client: one datagram to a pod server (the shared pod-server contract: any datagram on 8081 is answered
 * with the pod's name and a newline), then a wait of `waitS` that starts once the datagram is sent. It prints one line:
 *   `reply <seconds> <name>`   the answer and how long after the send it came
 *   `error <call>: <strerror>` the kernel refused (`recv: Connection refused` is an ICMP port unreachable, `send:
 *                              Network is unreachable` a missing route); exit 2
 *   `timeout <seconds>`        nothing came back within the wait; exit 1
 * Perl-base only (IO::Socket::INET; no Time::HiRes: select's own time left gives the elapsed time, as Linux select(2)
 * updates its timeout), as in both pod images (helpers/probes/udp-name-server.ts says where perl comes from).
 * Why not socat: `socat -T<s> UDP:... 'SYSTEM:echo x; head -n1 >&2'` starts its inactivity timer before the forked shell
 * runs `echo`. On a loaded 2-core machine the shell took longer than the timer: socat had exited, so echo's write(1) got
 * EPIPE (SIGPIPE is ignored, as socat ignores it and the child inherits that) and dash printed "echo: I/O error"; the
 * datagram was never sent, yet the run read as "no reply within 0.5 s" (strace of socat 1.7.4.4 here, 2026-12-07).
 */
export const UDP_CLIENT_SCRIPT = [
  'my ($host, $port, $wait) = @ARGV;',
  'my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => "udp") or do { print "error socket: $!\\n"; exit 2 };',
  'defined send($s, "x\\n", 0) or do { print "error send: $!\\n"; exit 2 };',
  'my $rin = ""; vec($rin, fileno($s), 1) = 1;',
  'my ($n, $left) = select(my $rout = $rin, undef, undef, $wait);',
  'if ($n > 0) { defined recv($s, my $m, 65535, 0) or do { print "error recv: $!\\n"; exit 2 }; printf "reply %.3f %s", $wait - $left, $m; exit 0 }',
  'print "timeout $wait\\n"; exit 1;',
].join(' ');

/** argv of one datagram to `target`:`port`, waiting `waitS` for the answer. */
export function udpClientArgv(target: string, port: number, waitS: number): string[] {
  return ['perl', '-MIO::Socket::INET', '-e', UDP_CLIENT_SCRIPT, target, String(port), String(waitS)];
}
