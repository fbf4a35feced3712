export { attachCluster, attachOptionsFromEnv, nodeCommand, type AttachOptions } from './provider.ts';
