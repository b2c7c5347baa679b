/**
 * Types, API contract and permissions shared by the SupaControl frontend and backend plugins.
 *
 * @packageDocumentation
 */

export * from './health';
export * from './clusters';
export * from './instance';
export * from './operations';
export * from './names';
export * from './apiKeys';
export * from './permissions';
export * from './audit';
export * from './catalog';
export * from './verify';
