import { ApiKeyRecord, OwnerCriteria } from './types';

/** Persistence of plugin API keys; only hashes of their secrets are stored. */
export interface ApiKeyStore {
  createKey(record: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  listKeys(query: {
    owner?: string;
    criteria?: OwnerCriteria;
  }): Promise<ApiKeyRecord[]>;
  revokeKey(id: string, at: Date): Promise<void>;
  touchKey(id: string, at: Date): Promise<void>;
}
