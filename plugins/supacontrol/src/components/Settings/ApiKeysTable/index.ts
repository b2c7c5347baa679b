export { ApiKeysTable } from './ApiKeysTable';
