export { CreateInstanceDialog } from './CreateInstanceDialog';
