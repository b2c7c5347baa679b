export { RowAction } from './RowAction';
