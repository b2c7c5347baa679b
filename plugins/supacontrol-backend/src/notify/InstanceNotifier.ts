import { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  INSTANCE_SIGNAL_CHANNEL,
  InstanceStatus,
  InstanceStatusSignal,
} from '@supacontrol/plugin-supacontrol-common';
import { ApiKeyRecord, InstanceRecord } from '../database/types';

/** Where the portal shows an instance and the API keys (the frontend plugin's routes). */
const instanceLink = (name: string) =>
  `/supacontrol/instances/${encodeURIComponent(name)}`;
const SETTINGS_LINK = '/supacontrol/settings';

/** Whom a signal or notification about an instance goes to: its owner and its creator. */
function recipientsOf(record: InstanceRecord): string[] {
  return [...new Set([record.owner, record.createdBy])].filter(ref =>
    /^(user|group):/.test(ref),
  );
}

/**
 * Tells people about their instances and keys. Signals (`supacontrol:instances`) carry every
 * status change to the owner's and creator's open pages, which then read the instance again;
 * notifications (Backstage's notifications plugin) tell the owner when an instance becomes
 * Running, Failed or Deleted, and when an API key expires within a week. Both are best effort:
 * a portal without the notifications or signals backend loses only these.
 */
export class InstanceNotifier {
  readonly #notifications?: NotificationService;
  readonly #signals?: SignalsService;
  readonly #logger: LoggerService;
  #warned = false;

  static create(options: {
    notifications?: NotificationService;
    signals?: SignalsService;
    logger: LoggerService;
  }): InstanceNotifier {
    return new InstanceNotifier(options);
  }

  private constructor(options: Parameters<typeof InstanceNotifier.create>[0]) {
    this.#notifications = options.notifications;
    this.#signals = options.signals;
    this.#logger = options.logger;
  }

  /** A status change: a signal always, a notification when it is news to the owner. */
  statusChanged(record: InstanceRecord, from: InstanceStatus, message: string) {
    this.signal(record);
    const notice = this.#notice(record, from, message);
    if (notice && this.#notifications) {
      this.#send(
        this.#notifications.send({
          recipients: { type: 'entity', entityRef: record.owner },
          payload: {
            ...notice,
            link: instanceLink(record.name),
            topic: 'SupaControl instance',
            // One notification per instance and status: a second Failed updates the first.
            scope: `supacontrol:instance:${record.id}:${record.status}`,
          },
        }),
        `${record.status} notification for ${record.name}`,
      );
    }
  }

  /** Tells the pages of the instance's owner and creator that it changed. */
  signal(record: InstanceRecord) {
    const recipients = recipientsOf(record);
    if (!this.#signals || recipients.length === 0) return;
    this.#send(
      this.#signals.publish<InstanceStatusSignal>({
        recipients: { type: 'user', entityRef: recipients },
        channel: INSTANCE_SIGNAL_CHANNEL,
        message: { name: record.name, status: record.status },
      }),
      `signal for ${record.name}`,
    );
  }

  /** Tells the owner of a key that it stops working soon. */
  async keyExpiresSoon(key: ApiKeyRecord, now = new Date()) {
    if (!this.#notifications || !key.expiresAt) return;
    const days = Math.max(
      1,
      Math.ceil((key.expiresAt.getTime() - now.getTime()) / 86_400_000),
    );
    await this.#notifications.send({
      recipients: { type: 'entity', entityRef: key.owner },
      payload: {
        title: `API key ${key.prefix} (${key.name}) expires in ${days} day${
          days === 1 ? '' : 's'
        }`,
        description: `It stops working on ${key.expiresAt.toISOString()}. Create a new key in SupaControl's settings and replace it where it is used.`,
        link: SETTINGS_LINK,
        severity: 'normal',
        topic: 'SupaControl API key',
        scope: `supacontrol:api-key-expiry:${key.id}`,
      },
    });
  }

  #notice(
    record: InstanceRecord,
    from: InstanceStatus,
    message: string,
  ):
    | { title: string; description: string; severity: 'normal' | 'high' }
    | undefined {
    switch (record.status) {
      case 'Running':
        // Ready for the first time, or again after a failure; not after every update.
        if (!['Provisioning', 'Degraded', 'Failed', 'Pending'].includes(from)) {
          return undefined;
        }
        return {
          title: `Supabase instance ${record.name} is running`,
          description:
            from === 'Provisioning' || from === 'Pending'
              ? 'Every component is ready. Its credentials are on the instance page.'
              : `It is running again (it was ${from}).`,
          severity: 'normal',
        };
      case 'Failed':
        return {
          title: `Supabase instance ${record.name} failed`,
          description: record.lastError ?? message,
          severity: 'high',
        };
      case 'Deleted':
        return {
          title: `Supabase instance ${record.name} was deleted`,
          description: 'Its Helm release, namespace, Secret and data are gone.',
          severity: 'normal',
        };
      default:
        return undefined;
    }
  }

  #send(sent: Promise<void>, what: string) {
    sent.catch(error => {
      // Once at warn (the notifications or signals backend may simply not be installed).
      const log = this.#warned ? this.#logger.debug : this.#logger.warn;
      this.#warned = true;
      log.call(this.#logger, `Could not send the ${what}`, {
        error: String(error),
      });
    });
  }
}
