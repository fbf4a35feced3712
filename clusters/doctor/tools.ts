import type { ToolStatus } from '../kind/tools.ts';
import { toolVersions } from '../kind/tools.ts';
import type { Finding } from './types.ts';

/** Host tools against the pins: a miss is fine when the toolbox can stand in (its image present or buildable, or not known not to be). */
export function toolFindings(statuses: ToolStatus[], toolbox: { present: boolean; buildable: boolean | undefined; tag: string }): Finding[] {
  const findings: Finding[] = statuses.map((s) => {
    const pinned = s.tool === 'docker' || s.tool === 'podman' ? '' : toolVersions[s.tool].pinned;
    if (s.ok) return { check: `tool ${s.tool}`, status: 'ok', detail: `${s.found} on PATH (pinned ${pinned})` };
    // buildable undefined: the registry was not asked (--offline, or before a run, where detection asks it once).
    const standIn = toolbox.present || toolbox.buildable !== false;
    return {
      check: `tool ${s.tool}`,
      status: standIn ? 'info' : 'fail',
      detail: `${s.problem ?? s.tool}; ${standIn ? `the toolbox ${toolbox.present ? `(${toolbox.tag}, present)` : toolbox.buildable ? '(built on first use)' : '(built on first use, if its base image can be pulled: registry not asked)'} provides it` : 'and the toolbox can be neither found nor built'}`,
      fix: `install ${s.tool} ${pinned} on PATH${standIn ? '' : ', or make the toolbox base image pullable'}`,
    };
  });
  return findings;
}
