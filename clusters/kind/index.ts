export { kindProvider } from './provider.ts';
export { buildPlan, renderCommand } from './plan.ts';
export { loadKindProfile, ProfileError } from './profiles.ts';
export { kindUnavailable } from './detect.ts';
export { KubeAccess } from './pods.ts';
export type { KindProfile, Plan, Command } from './types.ts';
