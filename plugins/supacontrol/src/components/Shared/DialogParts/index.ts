export { DialogButtons, DialogError } from './DialogParts';
