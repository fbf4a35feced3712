import { versions } from '../../versions.ts';
import type { Finding } from './types.ts';

/** `docker version --format '{{json .}}'`: the fields the doctor reads (see clusters/kind/fixtures/docker). */
interface DockerVersion {
  Client?: { Version?: string; ApiVersion?: string; DefaultAPIVersion?: string };
  Server?: { Version?: string; ApiVersion?: string; MinAPIVersion?: string } | null;
}

/** "1.44" < "1.9"? No: API versions compare as major.minor numbers. */
export function compareApi(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * The toolbox's docker CLI (versions.toolbox.dockerCli) speaks API up to versions.dockerApi.toolboxClient and down to
 * the client library's MinAPIVersion "1.40" (moby client/client.go@docker-v29.7.2). The engine refuses clients below
 * its own MinAPIVersion (1.44 on Engine 29.0-29.3: daemon/config/config.go defaultMinAPIVersion@docker-v29.0.0).
 */
export const toolboxClientMinApi = '1.40';

export function dockerEngineFindings(result: { exitCode: number; stdout: string; stderr: string }): Finding[] {
  const check = 'docker engine';
  let parsed: DockerVersion | undefined;
  try { parsed = JSON.parse(result.stdout) as DockerVersion; } catch { parsed = undefined; }
  const server = parsed?.Server;
  if (!server?.ApiVersion) {
    const why = result.stderr.trim().split('\n')[0] || result.stdout.trim().split('\n')[0] || `docker version exited ${result.exitCode}`;
    return [{ check, status: 'fail', detail: `no Docker engine answers: ${why}`, fix: 'start dockerd (sudo systemctl start docker) or set DOCKER_HOST to a reachable engine' }];
  }
  const minApi = server.MinAPIVersion ?? '1.12';
  const findings: Finding[] = [{ check, status: 'ok', detail: `Docker Engine ${server.Version ?? '?'}, API ${server.ApiVersion} (accepts clients from API ${minApi})` }];
  const hostMax = parsed?.Client?.DefaultAPIVersion ?? parsed?.Client?.ApiVersion;
  if (hostMax && compareApi(hostMax, minApi) < 0) {
    findings.push({ check: 'docker CLI (host)', status: 'fail', detail: `host docker CLI ${parsed?.Client?.Version ?? '?'} speaks API ${hostMax}, the engine refuses clients below ${minApi}`, fix: 'install a docker CLI of the engine\'s generation (Docker CE packages, or the static release pinned in versions.ts toolbox.dockerCli)' });
  } else if (hostMax) {
    findings.push({ check: 'docker CLI (host)', status: 'ok', detail: `docker CLI ${parsed?.Client?.Version ?? '?'}, API up to ${hostMax}` });
  }
  if (compareApi(server.ApiVersion, toolboxClientMinApi) < 0) {
    findings.push({ check: 'docker CLI (toolbox)', status: 'fail', detail: `the toolbox's docker CLI ${versions.toolbox.dockerCli} needs API >= ${toolboxClientMinApi}; this engine speaks ${server.ApiVersion}`, fix: 'upgrade Docker Engine (>= 19.03 speaks API 1.40), or install kind/kubectl/helm/cilium/calicoctl on the host at the pinned versions' });
  } else if (compareApi(versions.dockerApi.toolboxClient, minApi) < 0) {
    findings.push({ check: 'docker CLI (toolbox)', status: 'fail', detail: `the engine refuses clients below API ${minApi}; the toolbox's docker CLI ${versions.toolbox.dockerCli} speaks up to ${versions.dockerApi.toolboxClient}`, fix: 'bump versions.toolbox.dockerCli (and dockerApi.toolboxClient) to a docker CLI of the engine\'s generation' });
  }
  return findings;
}
