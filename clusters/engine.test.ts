import { expect, it } from 'vitest';
import { engineIsLocal } from './engine.ts';

it('the engine is local without DOCKER_HOST or on a unix socket, not over tcp:// or ssh://', () => {
  expect(engineIsLocal({})).toBe(true);
  expect(engineIsLocal({ DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' })).toBe(true);
  expect(engineIsLocal({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toBe(false);
  expect(engineIsLocal({ DOCKER_HOST: 'ssh://me@builder' })).toBe(false);
});
