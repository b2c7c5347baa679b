export { SecretValue } from './SecretValue';
