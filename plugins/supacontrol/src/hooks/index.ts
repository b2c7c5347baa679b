export { useHealth } from './useHealth';
export { AUTO_REFRESH_INTERVAL_MS } from './useAutoRefresh';
export { isTransitional } from './isTransitional';
export { useInstances } from './useInstances';
export { useInstanceDetails } from './useInstanceDetails';
export { useInstanceCredentials } from './useInstanceCredentials';
export type { InstanceCredentialsState } from './useInstanceCredentials';
export { usePlans } from './usePlans';
export { useApiKeys } from './useApiKeys';
