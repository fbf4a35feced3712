/**
 * The lab pods' TCP server (the shared pod-server contract: any request on 8080 gets the HTTP response naming the
 * pod): one Perl process multiplexing every connection with select, no fork. It answers once the request line is in
 * (as `head -n1` did), shuts its side down, and closes once the client has closed (or after 5 s of silence), so no
 * unread request bytes turn the close into a reset that could cut the reply. SIGPIPE is ignored: a client that reset
 * costs one failed write, not the server. Perl-base only (IO::Socket::INET, IO::Select), as in the lab image.
 * Why not socat's fork: sh, head and cat per request answered in up to 280 ms with all pods' clients at once on this
 * 2-core machine at load 7; this server in up to 90 ms (curl connect included). kind keeps socat (clusters/kind/workloads.ts).
 */
export const TCP_NAME_SERVER_SCRIPT = [
  '$SIG{PIPE} = "IGNORE"; my ($port, $file) = @ARGV;',
  'open my $f, "<", $file or die "$file: $!\\n"; my $reply = do { local $/; <$f> }; close $f;',
  'my $l = IO::Socket::INET->new(LocalPort => $port, Proto => "tcp", Listen => 128, ReuseAddr => 1) or die "tcp $port: $!\\n"; $l->blocking(0);',
  'my $sel = IO::Select->new($l); my (%buf, %seen, %done);',
  'my $drop = sub { my $s = shift; $sel->remove($s); delete $buf{$s}; delete $seen{$s}; delete $done{$s}; close $s };',
  'while (1) {',
  '  for my $s ($sel->can_read(1)) {',
  '    if ($s == $l) { while (my $c = $l->accept) { $c->blocking(0); $sel->add($c); $buf{$c} = ""; $seen{$c} = time } next }',
  '    my $n = sysread($s, my $chunk, 65536); next if !defined $n && $!{EAGAIN};',
  '    if (!$n) { $drop->($s); next }',
  '    $seen{$s} = time; next if $done{$s};',
  '    $buf{$s} .= $chunk;',
  '    if ($buf{$s} =~ /\\n/) { syswrite($s, $reply); shutdown($s, 1); $done{$s} = 1; $buf{$s} = "" }',
  '  }',
  '  $drop->($_) for grep { $_ != $l && time - $seen{$_} > 5 } $sel->handles;',
  '}',
].join('\n');

/** argv of the server answering on `port` with the bytes of `responseFile`. */
export function tcpNameServer(port: number, responseFile: string): string[] {
  return ['perl', '-MIO::Socket::INET', '-MIO::Select', '-e', TCP_NAME_SERVER_SCRIPT, String(port), responseFile];
}
