import type { Finding } from './types.ts';

/** kind's known-issues doc (site/content/docs/user/known-issues.md@v0.32.0, "Pod errors due to too many open files"). */
export const inotifyMinimum = { max_user_watches: 524288, max_user_instances: 512 } as const;

export function inotifyFindings(values: Partial<Record<keyof typeof inotifyMinimum, number>>): Finding[] {
  return (Object.keys(inotifyMinimum) as Array<keyof typeof inotifyMinimum>).map((key) => {
    const want = inotifyMinimum[key];
    const have = values[key];
    const check = `fs.inotify.${key}`;
    if (have === undefined) return { check, status: 'warn', detail: `/proc/sys/fs/inotify/${key} unreadable`, fix: `sudo sysctl fs.inotify.${key}=${want}` };
    if (have >= want) return { check, status: 'ok', detail: `${have} (kind asks for >= ${want})` };
    return { check, status: 'warn', detail: `${have}, below the ${want} kind's known issues ask for: pods fail with "too many open files" on multi-node clusters`, fix: `sudo sysctl fs.inotify.${key}=${want} (persist it in /etc/sysctl.d/)` };
  });
}
