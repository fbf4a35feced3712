import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const wrapper = new URL('./iptables-wrapper.sh', import.meta.url).pathname;

/**
 * A fake /usr/sbin: xtables-<mode>-multi print a save output (with kubelet's hint chain where `hintIn` says) or run
 * the command; update-alternatives (on PATH) records its arguments and re-points the link, or fails.
 */
function fakeSbin(hintIn: 'nft' | 'legacy' | 'none', alternatives: 'ok' | 'fail') {
  const sbin = mkdtempSync(join(tmpdir(), 'cnc-iptw-'));
  const hint = '*mangle\n:KUBE-IPTABLES-HINT - [0:0]\nCOMMIT\n';
  for (const mode of ['nft', 'legacy']) {
    writeFileSync(join(sbin, `xtables-${mode}-multi`), `#!/bin/sh\ncase "$1" in *-save) printf '%s' '${mode === hintIn ? hint : '*filter\nCOMMIT\n'}';; *) echo "${mode} $*";; esac\n`);
    chmodSync(join(sbin, `xtables-${mode}-multi`), 0o755);
  }
  writeFileSync(join(sbin, 'iptables-wrapper'), readFileSync(wrapper), { mode: 0o755 });
  symlinkSync('iptables-wrapper', join(sbin, 'iptables'));
  const bin = mkdtempSync(join(tmpdir(), 'cnc-iptw-bin-'));
  writeFileSync(join(bin, 'update-alternatives'), alternatives === 'fail' ? '#!/bin/sh\nexit 2\n'
    : `#!/bin/sh\necho "$*" >> ${sbin}/alternatives.log\n[ "$2" = iptables ] && ln -sf "xtables-$(echo "$3" | sed 's/.*-//')-multi" ${sbin}/iptables\nexit 0\n`);
  chmodSync(join(bin, 'update-alternatives'), 0o755);
  const run = () => execFileSync(join(sbin, 'iptables'), ['-L'], {
    env: { PATH: `${bin}:/usr/bin:/bin`, IPTABLES_WRAPPER_SBIN: sbin }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { sbin, run };
}

describe('iptables-wrapper.sh', () => {
  it.each([['nft', 'nft'], ['legacy', 'legacy'], ['none', 'nft']] as const)('kubelet hint in %s: picks %s, sets the alternatives, runs the command', (hintIn, mode) => {
    const { sbin, run } = fakeSbin(hintIn, 'ok');
    // The fake xtables multi binary is exec'd as `iptables` through the re-pointed link: it echoes its mode and argv[1].
    expect(run().trim()).toBe(`${mode} -L`);
    expect(readFileSync(join(sbin, 'alternatives.log'), 'utf8')).toBe(`--set iptables ${sbin}/iptables-${mode}\n--set ip6tables ${sbin}/ip6tables-${mode}\n`);
  });

  it('runs xtables-<mode>-multi itself when the alternatives cannot be changed (an unprivileged pod)', () => {
    const { run } = fakeSbin('legacy', 'fail');
    expect(run().trim()).toBe('legacy iptables -L');
  });
});
