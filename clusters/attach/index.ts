export { attachCluster, nodeCommand, type AttachOptions } from './provider.ts';
