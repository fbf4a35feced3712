import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { ExecResult } from '../types.ts';
import { commandText, Unanswered } from '../unanswered.ts';

/**
 * One long-lived `docker exec -i` per lab node runs this Perl agent; every command of the node then costs a fork and
 * an exec inside the container instead of a docker exec (exec create + start + inspect through dockerd, containerd
 * and runc: 43-66 ms each at load 4-5 on this 2-core machine, and most of the lab run's system time).
 *
 * Request, one line: `<id> x<hex arg> x<hex arg> ...` (hex: any byte of an argument survives, with core Perl only; the x
 * keeps an empty argument a field).
 * Reply: a line `<id> <exit> <stdout bytes> <stderr bytes>`, then those bytes. Each request runs at once in its own
 * child, as concurrent docker execs do: stdin /dev/null, stdout and stderr into files (a background process that keeps
 * them open does not hold the reply back, as with docker exec), the exit code 128+N after signal N (as containerd
 * reports it). Replies are written whole under an flock of a file the child opens itself (flock locks belong to the
 * open file description, which forked children would share). Core Perl only: POSIX and Fcntl are in perl-base.
 */
export const EXEC_AGENT = String.raw`
use strict; use warnings; use POSIX (); use Fcntl qw(:flock);
my $dir = "/dev/shm/cc-exec-$$"; mkdir $dir or die "mkdir $dir: $!\n";
$SIG{CHLD} = 'IGNORE';
binmode STDIN; binmode STDOUT;
sub slurp { my ($f) = @_; open(my $h, '<:raw', $f) or return ''; local $/; my $s = <$h>; close $h; unlink $f; return defined $s ? $s : '' }
sub reply {
  my ($id, $code, $out, $err) = @_;
  open(my $lock, '>>', "$dir/lock") or die "lock: $!\n"; flock($lock, LOCK_EX) or die "flock: $!\n";
  my $msg = "$id $code " . length($out) . ' ' . length($err) . "\n" . $out . $err;
  while (length $msg) { my $n = syswrite(STDOUT, $msg); die "write: $!\n" unless defined $n; substr($msg, 0, $n) = '' }
  close $lock;
}
syswrite(STDOUT, "ready\n");
while (my $line = <STDIN>) {
  chomp $line;
  my ($id, @hex) = split / /, $line;
  my @argv = map { pack('H*', substr($_, 1)) } @hex;
  my $pid = fork();
  if (!defined $pid) { reply($id, 255, '', "exec agent: fork failed: $!\n"); next }
  next if $pid;
  $SIG{CHLD} = 'DEFAULT';
  my $g = fork();
  if (!defined $g) { reply($id, 255, '', "exec agent: fork failed: $!\n"); POSIX::_exit(0) }
  if ($g == 0) {
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>', "$dir/$id.out"); open(STDERR, '>', "$dir/$id.err");
    { no warnings 'exec'; exec { $argv[0] } @argv; }
    print STDERR "exec $argv[0]: $!\n"; POSIX::_exit(127);
  }
  waitpid($g, 0);
  my $st = $?;
  reply($id, ($st & 127) ? 128 + ($st & 127) : $st >> 8, slurp("$dir/$id.out"), slurp("$dir/$id.err"));
  POSIX::_exit(0);
}
`;

/** A request line for the agent: the id, then each argument as hex. */
export function requestLine(id: number, argv: readonly string[]): string {
  return `${id} ${argv.map((a) => `x${Buffer.from(a, 'utf8').toString('hex')}`).join(' ')}\n`;
}

/** Splits the agent's output into replies; keeps a partial reply for the next chunk. */
export class ReplyReader {
  private buffer = Buffer.alloc(0);
  ready = false;

  /** Feeds bytes; returns the complete replies they finish. Throws on a line that is no reply header. */
  push(chunk: Buffer): Array<{ id: number; result: ExecResult }> {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const replies: Array<{ id: number; result: ExecResult }> = [];
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl < 0) return replies;
      const header = this.buffer.subarray(0, nl).toString('utf8');
      if (!this.ready) {
        if (header !== 'ready') throw new Error(`exec agent: expected "ready", got ${JSON.stringify(header.slice(0, 200))}`);
        this.ready = true;
        this.buffer = this.buffer.subarray(nl + 1);
        continue;
      }
      const m = /^(\d+) (\d+) (\d+) (\d+)$/.exec(header);
      if (!m) throw new Error(`exec agent: not a reply header: ${JSON.stringify(header.slice(0, 200))}`);
      const [outLen, errLen] = [Number(m[3]), Number(m[4])];
      if (this.buffer.length < nl + 1 + outLen + errLen) return replies;
      const body = this.buffer.subarray(nl + 1);
      replies.push({
        id: Number(m[1]),
        result: { exitCode: Number(m[2]), stdout: body.subarray(0, outLen).toString('utf8'), stderr: body.subarray(outLen, outLen + errLen).toString('utf8') },
      });
      this.buffer = body.subarray(outLen + errLen);
    }
  }
}

export interface ExecChannel {
  exec(argv: string[]): Promise<ExecResult>;
  close(): void;
}

/**
 * Starts the agent in a running container and resolves once it answered "ready" (within `readyMs`). Commands sent
 * after the agent ended, or in flight when it did (its `docker exec -i` ended: the container stopped or was removed,
 * the engine went away), reject with Unanswered naming the command, the container and what docker said (recorded:
 * "exec agent in container 05ff7a2b3bf5 ended (docker exec exited 137)" after `docker stop`, clusters/unanswered.test.ts).
 * Output that is no reply (a harness bug) rejects with a plain Error.
 */
export function openExecChannel(containerId: string, readyMs = 20_000): Promise<ExecChannel> {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn('docker', ['exec', '-i', containerId, 'perl', '-e', EXEC_AGENT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const reader = new ReplyReader();
  const pending = new Map<number, { argv: string[]; resolve: (r: ExecResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let stderr = '';
  /** Why the agent ended; `unanswered`: the container or engine went away, not a harness bug. */
  let ended: { error: Error; unanswered: boolean } | undefined;
  let onReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const where = `container ${containerId.slice(0, 12)}`;
  const failure = (argv: string[]) => (ended!.unanswered ? new Unanswered(commandText(argv), where, ended!.error.message) : ended!.error);
  const end = (error: Error, unanswered: boolean) => {
    if (ended) return;
    ended = { error, unanswered };
    for (const p of pending.values()) p.reject(failure(p.argv));
    pending.clear();
    onReady?.reject(error);
  };
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString('utf8')).slice(-2000); });
  child.stdout.on('data', (chunk: Buffer) => {
    let replies;
    try {
      replies = reader.push(chunk);
    } catch (error) {
      end(error as Error, false);
      child.kill();
      return;
    }
    if (reader.ready) onReady?.resolve();
    for (const { id, result } of replies) {
      pending.get(id)?.resolve(result);
      pending.delete(id);
    }
    if (reader.ready && pending.size === 0) hold(false);
  });
  child.on('error', (error) => end(new Error(`exec agent in container ${containerId.slice(0, 12)}: ${error.message}`), true));
  child.on('close', (code) => end(new Error(`exec agent in container ${containerId.slice(0, 12)} ended (docker exec exited ${code})${stderr.trim() ? `: ${stderr.trim()}` : ''}`), true));
  child.stdin.on('error', () => {}); // a write after the agent died: 'close' rejects the command
  // Keeps the harness alive only while a command is in flight (as a docker exec would); idle, it never holds the exit.
  const streams = [child.stdin, child.stdout, child.stderr] as unknown as Array<{ ref?: () => void; unref?: () => void }>;
  const hold = (busy: boolean) => {
    if (busy) { child.ref(); for (const s of streams) s.ref?.(); } else { child.unref(); for (const s of streams) s.unref?.(); }
  };

  const channel: ExecChannel = {
    exec(argv) {
      if (ended) return Promise.reject(failure(argv));
      if (argv.length === 0) return Promise.reject(new Error('exec agent: empty argv'));
      const id = nextId++;
      return new Promise<ExecResult>((resolve, reject) => {
        pending.set(id, { argv, resolve, reject });
        hold(true);
        child.stdin.write(requestLine(id, argv));
      });
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
  return new Promise<ExecChannel>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`exec agent in container ${containerId.slice(0, 12)}: no "ready" within ${readyMs / 1000} s${stderr ? `: ${stderr.trim()}` : ''}`)); child.kill(); }, readyMs);
    onReady = {
      resolve: () => { clearTimeout(timer); onReady = undefined; resolve(channel); },
      reject: (e) => { clearTimeout(timer); onReady = undefined; reject(e); },
    };
  });
}
