/**
 * The pods' UDP server (the shared pod-server contract: any datagram on 8081 is answered with the pod's name and a
 * newline): one Perl process answering each datagram in turn, with no fork. Perl is in both pod images: Debian's
 * perl-base is Essential (lab), and nicolaka/netshoot installs perl-net-ssleay, which depends on perl (netshoot
 * Dockerfile at 00ca54c0111ff06e62e58eb6cee9b176900b0331).
 * Why not socat: socat 1.7.4.4's `UDP-RECVFROM:8081,fork` wedged for good once clients gave up before their reply
 * (measured here: 60 abandoned clients a round, the fourth round got 0 of 60 answers and no later datagram one),
 * which is what every "UDP dropped" negative control does to it.
 */
export const UDP_NAME_SERVER_SCRIPT = 'my ($port, $name) = @ARGV; my $s = IO::Socket::INET->new(LocalPort => $port, Proto => "udp") or die "udp $port: $!\\n";'
  + ' while (1) { my $peer = $s->recv(my $m, 65535); $s->send("$name\\n", 0, $peer) if defined $peer }';

/** argv of the server answering on `port` with `name`. */
export function udpNameServer(port: number, name: string): string[] {
  return ['perl', '-MIO::Socket::INET', '-e', UDP_NAME_SERVER_SCRIPT, String(port), name];
}
