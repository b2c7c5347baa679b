import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The SupaControl entity provider (`@supacontrol/plugin-catalog-backend-module-supacontrol`):
       * every Supabase instance as a `Resource` of `spec.type: supabase-instance`.
       */
      supacontrol?: {
        /**
         * The full refresh: every instance is read and the provider's entities are replaced.
         * Default: every 30 seconds, timeout 60 seconds.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * The change check between full refreshes: instances are read and only entities that
         * changed are added or removed, so new and deleted instances show within seconds.
         * Default: every 5 seconds, timeout 30 seconds.
         */
        changeCheck?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
