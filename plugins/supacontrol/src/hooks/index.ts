export { useHealth } from './useHealth';
