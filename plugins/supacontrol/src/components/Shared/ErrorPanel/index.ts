export { ErrorPanel } from './ErrorPanel';
export { errorMessage, isNotAllowed } from './errorMessage';
