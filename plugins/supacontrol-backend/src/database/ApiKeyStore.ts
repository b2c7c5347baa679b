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
  /**
   * Marks the live keys that expire before `before` and whose owners were not yet told, and
   * answers them: each key is answered once, by one replica.
   */
  claimExpiringKeys(before: Date, now: Date): Promise<ApiKeyRecord[]>;
}
