export { EventHistory } from './EventHistory';
