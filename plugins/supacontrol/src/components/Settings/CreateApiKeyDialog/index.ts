export { CreateApiKeyDialog } from './CreateApiKeyDialog';
