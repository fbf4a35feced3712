import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.ts';

describe('parseArgs', () => {
  const spec = { values: ['profile', 'behaviour'], flags: ['keep'] };

  it('reads values, inline values, flags and positionals', () => {
    const args = parseArgs(['--profile', 'calico-lab', '--behaviour=K-GW-1', '--keep', 'extra'], spec);
    expect(args.values).toEqual({ profile: 'calico-lab', behaviour: 'K-GW-1' });
    expect([...args.flags]).toEqual(['keep']);
    expect(args.positional).toEqual(['extra']);
  });

  it('names every unknown option and missing value', () => {
    expect(() => parseArgs(['--profle', 'x', '--profile'], spec)).toThrow(
      'unknown option --profle; known: --profile, --behaviour, --keep\n--profile needs a value',
    );
  });

  it('takes everything after -- as positional, options included', () => {
    const args = parseArgs(['--profile', 'x', '--', '--keep', '--profile=y', ''], spec);
    expect(args).toEqual({ values: { profile: 'x' }, flags: new Set(), positional: ['--keep', '--profile=y', ''] });
  });

  it('refuses a value on a flag instead of ignoring it', () => {
    expect(() => parseArgs(['--keep=no'], spec)).toThrow('--keep takes no value (got "no")');
  });
});
