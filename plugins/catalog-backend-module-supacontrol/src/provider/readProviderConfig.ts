import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/** Where the provider reads its configuration. */
export const PROVIDER_CONFIG_KEY = 'catalog.providers.supacontrol';

/** The provider's settings, read once at start-up. */
export interface SupaControlProviderConfig {
  /** Full refresh of every entity. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Cheap check for changes between full refreshes. */
  changeCheck: SchedulerServiceTaskScheduleDefinition;
  /** `app.baseUrl`, for links to the instance's SupaControl page; none when unset. */
  appBaseUrl?: string;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { seconds: 60 },
};

const DEFAULT_CHANGE_CHECK: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 5 },
  timeout: { seconds: 30 },
};

function readSchedule(
  config: Config,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  const fullKey = `${PROVIDER_CONFIG_KEY}.${key}`;
  if (!config.has(fullKey)) {
    return fallback;
  }
  try {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(
      config.getConfig(fullKey),
    );
  } catch (error) {
    throw new Error(
      `${fullKey} is not a valid schedule (e.g. { frequency: { seconds: 30 }, timeout: { seconds: 60 } }): ${
        (error as Error).message
      }`,
    );
  }
}

/** Reads the provider's configuration; a bad value stops start-up with the key in the message. */
export function readProviderConfig(config: Config): SupaControlProviderConfig {
  return {
    schedule: readSchedule(config, 'schedule', DEFAULT_SCHEDULE),
    changeCheck: readSchedule(config, 'changeCheck', DEFAULT_CHANGE_CHECK),
    appBaseUrl: config.getOptionalString('app.baseUrl')?.replace(/\/+$/, ''),
  };
}
