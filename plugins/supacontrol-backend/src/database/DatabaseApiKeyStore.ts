import { Knex } from 'knex';
import { ApiKeyStore } from './ApiKeyStore';
import { ApiKeyRecord, OwnerCriteria } from './types';
import { applyOwnerCriteria, toDate, toOptionalDate } from './util';

function fromRow(row: any): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    scopes: JSON.parse(row.scopes),
    createdAt: toDate(row.created_at),
    expiresAt: toOptionalDate(row.expires_at),
    lastUsedAt: toOptionalDate(row.last_used_at),
    revokedAt: toOptionalDate(row.revoked_at),
  };
}

/** {@link ApiKeyStore} on the plugin's knex database; takes a migrated client. */
export class DatabaseApiKeyStore implements ApiKeyStore {
  readonly #db: Knex;

  static create(options: { client: Knex }): DatabaseApiKeyStore {
    return new DatabaseApiKeyStore(options.client);
  }

  private constructor(db: Knex) {
    this.#db = db;
  }

  async createKey(record: ApiKeyRecord): Promise<void> {
    await this.#db('api_keys').insert({
      id: record.id,
      name: record.name,
      owner: record.owner,
      prefix: record.prefix,
      secret_hash: record.secretHash,
      scopes: JSON.stringify(record.scopes),
      created_at: record.createdAt,
      expires_at: record.expiresAt ?? null,
      last_used_at: null,
      revoked_at: null,
    });
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.#db('api_keys').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async listKeys(query: {
    owner?: string;
    criteria?: OwnerCriteria;
  }): Promise<ApiKeyRecord[]> {
    const builder = this.#db('api_keys').orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    if (query.owner) {
      builder.where({ owner: query.owner });
    }
    if (query.criteria) {
      applyOwnerCriteria(builder, query.criteria);
    }
    return (await builder).map(fromRow);
  }

  async revokeKey(id: string, at: Date): Promise<void> {
    await this.#db('api_keys')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: at });
  }

  async revokeKeysOf(owner: string, at: Date): Promise<number> {
    return this.#db('api_keys')
      .where({ owner })
      .whereNull('revoked_at')
      .update({ revoked_at: at });
  }

  async claimExpiringKeys(before: Date, now: Date): Promise<ApiKeyRecord[]> {
    const due = await this.#db('api_keys')
      .whereNull('revoked_at')
      .whereNull('expiry_notified_at')
      .whereNotNull('expires_at')
      .where('expires_at', '>', now)
      .where('expires_at', '<=', before)
      .select('*');
    const claimed: ApiKeyRecord[] = [];
    for (const row of due) {
      // Conditional: of two replicas running this at once, one takes each key.
      const taken = await this.#db('api_keys')
        .where({ id: row.id })
        .whereNull('expiry_notified_at')
        .update({ expiry_notified_at: now });
      if (taken === 1) claimed.push(fromRow(row));
    }
    return claimed;
  }

  async touchKey(id: string, at: Date): Promise<void> {
    await this.#db('api_keys').where({ id }).update({ last_used_at: at });
  }
}
