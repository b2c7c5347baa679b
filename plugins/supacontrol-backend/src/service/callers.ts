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
  | { kind: 'key'; key: ApiKeyRecord };

/** The actor recorded in history and audit entries. */
export function actorOf(caller: Caller): string {
  switch (caller.kind) {
    case 'user':
      return caller.userEntityRef;
    case 'service':
      return `service:${caller.subject}`;
    case 'key':
      return `apikey:${caller.key.id} (${caller.key.owner})`;
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
  meta: { actor: string; apiKeyId?: string };
} {
  if (caller.kind === 'key') {
    return { meta: { actor: actorOf(caller), apiKeyId: caller.key.id } };
  }
  return { request: caller.request, meta: { actor: actorOf(caller) } };
}
