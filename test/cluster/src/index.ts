// The SupaControl test bed: a real Kubernetes control plane with kwok nodes,
// Helm, and a throwaway PostgreSQL, for integration tests. See ../README.md.

export { startCluster } from './cluster.ts';
export type { StartClusterOptions, TestCluster } from './cluster.ts';
export { simulatedLogLines } from './kwok.ts';
export type { ServiceAccountKubeconfigRequest } from './serviceaccount.ts';
export { startPostgres } from './postgres.ts';
export type { StartPostgresOptions, TestPostgres } from './postgres.ts';
