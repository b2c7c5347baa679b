import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  SUPACONTROL_PLUGIN_ID,
  supacontrolApiKeyManagePermission,
  supacontrolInstanceCreatePermission,
  supacontrolInstancePermissions,
  InstanceStatus,
} from '@supacontrol/plugin-supacontrol-common';
import { ClusterOutage } from './clusters/ClusterOutage';
import { ClusterProbe } from './clusters/ClusterProbe';
import { ClusterHandle, Clusters } from './clusters/Clusters';
import { InstanceRecord } from './database/types';
import { assertNoGuestWithPostgres } from './config/guestSignIn';
import { readSupaControlConfig } from './config/SupaControlConfig';
import { DatabaseApiKeyStore } from './database/DatabaseApiKeyStore';
import {
  DatabaseInstanceStore,
  migrateSupaControlDatabase,
} from './database/DatabaseInstanceStore';
import {
  apiKeyPermissionResourceRef,
  instancePermissionResourceRef,
  isApiKeyOwner,
  isInstanceInRegion,
  isInstanceOwner,
} from './permissions/rules';
import { ApiKeyService } from './service/ApiKeyService';
import { CatalogOwnership } from './service/CatalogOwnership';
import { DatabaseHealthCheck } from './service/DatabaseHealthCheck';
import { InstanceAuthorizer } from './service/InstanceAuthorizer';
import { InstanceOperations } from './service/InstanceOperations';
import { InstanceObservability } from './service/InstanceObservability';
import { InstanceService, toInstance } from './service/InstanceService';
import { createRouter } from './service/router';
import { HelmClient } from './helm/HelmClient';
import { ClusterCache } from './kubernetes/ClusterCache';
import { KubernetesClient } from './kubernetes/KubernetesClient';
import { INSTANCE_SECRET_NAME } from './lifecycle/instanceSecret';
import { InstanceDriver } from './lifecycle/InstanceDriver';
import { InstanceReconciler } from './lifecycle/InstanceReconciler';
import { InstanceNotifier } from './notify/InstanceNotifier';
import { SupaControlMetrics } from './telemetry/SupaControlMetrics';

/**
 * The SupaControl backend plugin, mounted at `/api/supacontrol`.
 *
 * @public
 */
export const supacontrolPlugin = createBackendPlugin({
  pluginId: SUPACONTROL_PLUGIN_ID,
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        database: coreServices.database,
        auditor: coreServices.auditor,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        metrics: metricsServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init(deps) {
        assertNoGuestWithPostgres(deps.config);
        const { httpRouter, database, permissionsRegistry } = deps;
        const config = readSupaControlConfig(deps.config);
        const client = await migrateSupaControlDatabase(database);
        const instanceStore = DatabaseInstanceStore.create({ client });
        const apiKeyStore = DatabaseApiKeyStore.create({ client });
        const metrics = SupaControlMetrics.create({
          metrics: deps.metrics,
          store: instanceStore,
        });
        const notifier = InstanceNotifier.create({
          notifications: config.notifications.enabled
            ? deps.notifications
            : undefined,
          signals: config.notifications.signals ? deps.signals : undefined,
          logger: deps.logger,
        });

        permissionsRegistry.addPermissions([
          supacontrolInstanceCreatePermission,
        ]);
        permissionsRegistry.addResourceType({
          resourceRef: instancePermissionResourceRef,
          permissions: supacontrolInstancePermissions,
          rules: [isInstanceOwner, isInstanceInRegion],
          getResources: async names =>
            Promise.all(names.map(name => instanceStore.getInstance(name))),
        });
        permissionsRegistry.addResourceType({
          resourceRef: apiKeyPermissionResourceRef,
          permissions: [supacontrolApiKeyManagePermission],
          rules: [isApiKeyOwner],
          getResources: async ids =>
            Promise.all(ids.map(id => apiKeyStore.getKey(id))),
        });

        // Without a cluster the portal still runs: health says so and create answers 503.
        // Each cluster gets its own client, Helm, informers, reachability and reconcile queue.
        const handles: ClusterHandle[] = config.clusters.map(cluster => {
          const kube = KubernetesClient.create(cluster.connection, {
            onRequest: (verb, outcome) =>
              metrics.kubernetesRequest(verb, outcome, cluster.name),
          });
          const helm = HelmClient.create({
            binary: config.helm.binary,
            timeoutMs: config.helm.timeoutMs,
            kubeconfigPath: kube.kubeconfigPath,
            kubeContext: kube.context,
            onCommand: (command, seconds, outcome) =>
              metrics.helmCommand(command, seconds, outcome, cluster.name),
          });
          deps.lifecycle.addShutdownHook(() => helm.killAll());
          const driver = InstanceDriver.create({
            kube,
            helm,
            config: { ...config, ingress: cluster.ingress },
          });
          return {
            config: cluster,
            kube,
            driver,
            probe: ClusterProbe.create({ kube }),
          };
        });
        const registry = Clusters.create(handles);
        metrics.observeClusters(() =>
          registry.all().map(handle => ({
            name: handle.config.name,
            region: handle.config.region,
            status: handle.probe.last.status,
          })),
        );
        const statusChanged = (
          record: InstanceRecord,
          from: InstanceStatus,
          message: string,
        ) => {
          metrics.statusChanged(record, from);
          notifier.statusChanged(record, from, message);
        };
        if (config.reconcile.enabled) {
          for (const handle of handles) {
            const cluster = handle.config.name;
            let reconciler: InstanceReconciler | undefined = undefined;
            const cache = ClusterCache.create({
              kube: handle.kube,
              logger: deps.logger,
              instanceSecretName: INSTANCE_SECRET_NAME,
              onInstance: name => reconciler?.trigger(name),
            });
            reconciler = InstanceReconciler.create({
              store: instanceStore,
              driver: handle.driver,
              config,
              logger: deps.logger.child({ cluster }),
              cache,
              cluster,
              outage: ClusterOutage.create({
                cluster,
                probe: handle.probe,
                store: instanceStore,
                logger: deps.logger,
                statusChanged,
                recovered: name => reconciler?.trigger(name),
              }),
              observer: {
                passDone: (seconds, report, outcome) =>
                  metrics.passDone(seconds, report.worked, outcome, cluster),
                stepDone: (step, seconds, outcome) =>
                  metrics.stepDone(step, seconds, outcome),
                statusChanged,
              },
            });
            handle.reconciler = reconciler;
            const started = reconciler;
            deps.lifecycle.addStartupHook(() =>
              started.schedule(deps.scheduler),
            );
            deps.lifecycle.addShutdownHook(() => started.stop());
          }
        }
        if (handles.length === 0) {
          deps.logger.warn(
            'No Kubernetes cluster configured (supacontrol.kubernetes or supacontrol.clusters): instances cannot be created',
          );
        } else {
          // The configuration decides each cluster's region; instances follow it.
          await instanceStore.syncClusterRegions(config.clusters);
        }
        const counts = await instanceStore.countLiveByCluster();
        for (const [name, count] of Object.entries(counts)) {
          if (!registry.get(name)) {
            deps.logger.warn(
              `${count} live instances are on cluster '${name}', which is not configured: nothing reconciles them until it is listed in supacontrol.clusters again`,
            );
          }
        }

        // A change made through the API: the reconciler takes it up, open pages read it again.
        const changed = (name: string) => {
          instanceStore
            .getInstance(name)
            .then(record => {
              if (!record) return;
              registry.get(record.cluster)?.reconciler?.trigger(name);
              notifier.signal(record);
            })
            .catch(() => {});
        };

        const authorizer = InstanceAuthorizer.create({
          permissions: deps.permissions,
          permissionsRegistry,
          serviceAccess: config.serviceAccess,
        });
        const instances = InstanceService.create({
          store: instanceStore,
          authorizer,
          auditor: deps.auditor,
          logger: deps.logger,
          config,
          clusters: registry,
          onChange: changed,
        });
        const operations = InstanceOperations.create({
          store: instanceStore,
          authorizer,
          auditor: deps.auditor,
          logger: deps.logger,
          config,
          onChange: changed,
          toInstance: record => toInstance(record, config),
        });
        const apiKeys = ApiKeyService.create({
          store: apiKeyStore,
          permissions: deps.permissions,
          permissionsRegistry,
          auditor: deps.auditor,
          logger: deps.logger,
          ownership: CatalogOwnership.create({
            catalog: deps.catalog,
            auth: deps.auth,
            logger: deps.logger,
            cacheMs: config.apiKeys.ownershipCacheMs,
          }),
          policy: config.apiKeys,
          onAuthentication: outcome => metrics.apiKeyAuthentication(outcome),
        });
        // Owners hear of keys that stop working within a week, once per key (any replica).
        await deps.scheduler.scheduleTask({
          id: 'supacontrol-api-key-expiry',
          scope: 'global',
          frequency: { hours: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            const now = new Date();
            const keys = await apiKeyStore.claimExpiringKeys(
              new Date(now.getTime() + 7 * 86_400_000),
              now,
            );
            for (const key of keys) {
              await notifier.keyExpiresSoon(key, now).catch(error =>
                deps.logger.warn('Could not send an API key expiry notice', {
                  keyId: key.id,
                  error: String(error),
                }),
              );
            }
          },
        });

        httpRouter.use(
          await createRouter({
            healthCheck: DatabaseHealthCheck.create({
              database,
              clusters: registry,
              logger: deps.logger,
            }),
            instances,
            operations,
            observability: InstanceObservability.create({
              store: instanceStore,
              authorizer,
              clusters: registry,
              logger: deps.logger,
            }),
            apiKeys,
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            requestsPerMinute: config.limits.requestsPerMinute,
            metrics,
          }),
        );
        // Load balancers and the portal's status view probe this without a user.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // v1 accepts plugin API keys, which the framework's credential barrier would refuse; the
        // router authenticates every v1 request itself (key, or Backstage credentials).
        httpRouter.addAuthPolicy({ path: '/v1', allow: 'unauthenticated' });
      },
    });
  },
});
