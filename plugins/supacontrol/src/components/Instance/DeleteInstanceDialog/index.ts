export { DeleteInstanceDialog } from './DeleteInstanceDialog';
