import {
  AuditorServiceCreateEventOptions,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ApiKeyRecord } from '../database/types';

/**
 * Who is calling, resolved once per request by the router and passed explicitly to every service
 * call: a portal user, another Backstage service (or an external-access token), or a plugin API
 * key acting for its owner.
 */
export type Caller =
  | {
      kind: 'user';
      credentials: BackstageCredentials<BackstageUserPrincipal>;
      userEntityRef: string;
      ownershipEntityRefs: string[];
      /** The HTTP request, for the auditor's actor details. */
      request?: AuditorServiceCreateEventOptions['request'];
    }
  | {
      kind: 'service';
      credentials: BackstageCredentials<BackstageServicePrincipal>;
      subject: string;
      request?: AuditorServiceCreateEventOptions['request'];
    }
  | {
      kind: 'key';
      key: ApiKeyRecord;
      /** The owner's ownership as the catalog says now (not when the key was made). */
      ownershipRefs: string[];
      client: ClientInfo;
    };

/** Where a request came from, for the audit of callers without Backstage credentials. */
export interface ClientInfo {
  address?: string;
  userAgent?: string;
}

/** The actor recorded in history and audit entries. */
export function actorOf(caller: Caller): string {
  switch (caller.kind) {
    case 'user':
      return caller.userEntityRef;
    case 'service':
      return `service:${caller.subject}`;
    case 'key':
      // The key's id stays out of what other users see (history, createdBy); audit has it.
      return `${caller.key.owner} (API key)`;
    default:
      throw new Error('unknown caller');
  }
}

/**
 * Options for an auditor event of this caller. API-key requests carry no Backstage credentials,
 * and the auditor fails on a request it cannot resolve, so for them the key id goes into `meta`.
 */
export function auditOptionsOf(caller: Caller): {
  request?: AuditorServiceCreateEventOptions['request'];
  meta: {
    actor: string;
    apiKeyId?: string;
    clientAddress?: string;
    userAgent?: string;
  };
} {
  if (caller.kind === 'key') {
    return {
      meta: {
        actor: actorOf(caller),
        apiKeyId: caller.key.id,
        clientAddress: caller.client.address,
        userAgent: caller.client.userAgent,
      },
    };
  }
  return { request: caller.request, meta: { actor: actorOf(caller) } };
}
