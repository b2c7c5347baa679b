/**
 * Types, API contract and permissions shared by the SupaControl frontend and backend plugins.
 *
 * @packageDocumentation
 */

export * from './health';
