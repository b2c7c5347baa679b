import { ApiKeyRecord, OwnerCriteria } from './types';

/** Persistence of plugin API keys; only hashes of their secrets are stored. */
export interface ApiKeyStore {
  createKey(record: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Keys of `owner`, or of everyone when it is undefined; newest first. */
  listKeys(query: {
    owner?: string;
    criteria?: OwnerCriteria;
  }): Promise<ApiKeyRecord[]>;
  revokeKey(id: string, at: Date): Promise<void>;
  /** Revokes every live key of `owner`; answers how many. */
  revokeKeysOf(owner: string, at: Date): Promise<number>;
  touchKey(id: string, at: Date): Promise<void>;
}
