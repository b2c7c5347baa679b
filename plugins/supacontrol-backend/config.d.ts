export interface Config {
  /**
   * Configuration of the SupaControl plugins.
   */
  supacontrol?: {
    /**
     * Entity refs of groups (or users) whose members may do everything in SupaControl, e.g.
     * `group:default/platform-team`. Read by the portal's permission policy.
     */
    admins?: string[];
    /**
     * Allows guest sign-in (`auth.providers.guest`) on a PostgreSQL-backed portal. Start-up refuses
     * that combination otherwise, because PostgreSQL means a shared or production portal where
     * anyone reaching it could act as the guest. Set it only on a shared test portal. Default false.
     */
    allowGuestSignIn?: boolean;
    /**
     * Plans a new instance can be created with, by name (1–32 lowercase letters, digits or "-").
     * Without this key the built-in plans `small` (default) and `medium` apply.
     */
    plans?: {
      [name: string]: {
        /** Shown in the portal's plan picker. */
        description?: string;
        /** The plan used when a request names none; at most one plan may set it. */
        default?: boolean;
        /** `spec.hard` of the namespace's ResourceQuota, e.g. `requests.cpu: '4'`. */
        quota?: { [resource: string]: string };
        /** Chart values merged over SupaControl's (resources, persistence, replicas, ...). */
        values?: object;
        /** This plan's SMTP server, instead of `supacontrol.smtp`. */
        smtp?: SupaControlSmtpConfig;
        /** Regions (of `clusters`) this plan's instances may be placed in; default any. */
        regions?: string[];
      };
    };
    /**
     * The SMTP server every instance's Auth sends its e-mails through (sign-up confirmations,
     * magic links, password resets), unless a plan names its own. Without one, e-mail sign-ups are
     * confirmed automatically, and the instance page says so.
     */
    smtp?: SupaControlSmtpConfig;
    /** The Helm chart every instance is installed from. */
    chart?: {
      /** Chart name, recorded on each instance and used with a repository source. Default `supabase`. */
      name?: string;
      /** Pinned chart version (semantic version). Default `0.1.0`, the bundled chart. */
      version?: string;
      /**
       * Every version an instance may be created with or upgraded to (`PATCH {chartVersion}`);
       * `version` is always allowed. Upgrades need a repository or OCI source: a chart directory
       * holds one version only.
       */
      versions?: string[];
      /**
       * A chart directory (default: the bundled `charts/supabase`), a chart repository URL
       * (`https://…`, with `name` and `version`) or an OCI reference (`oci://…`, with `version`).
       */
      source?: string;
    };
    /**
     * The cluster named `default` (the one cluster, before there were several); with `clusters`,
     * it comes first among them. Without a connection here or in `clusters` the portal runs but
     * cannot create instances.
     */
    kubernetes?: {
      /** A kubeconfig file; its current context unless `context` is set. */
      kubeconfigPath?: string;
      context?: string;
      /** Use the service account of the pod the backend runs in. */
      inCluster?: boolean;
      /** The cluster's region. Default `default`. */
      region?: string;
      /** The most live instances the cluster takes. Default unlimited. */
      maxInstances?: number;
      /** False drains it: it keeps its instances and takes no new ones. Default true. */
      enabled?: boolean;
    };
    /**
     * The clusters instances are placed on. A create names a cluster or a region, or gets the
     * enabled cluster with the most room (among the regions its plan allows). An instance stays
     * on its cluster for good.
     */
    clusters?: Array<{
      /** 1–32 lowercase letters, digits or "-", starting with a letter; recorded on instances. */
      name: string;
      /** The same form as names. Default `default`. */
      region?: string;
      /** Shown in `GET /v1/clusters` and the portal. */
      labels?: { [name: string]: string };
      /** A kubeconfig file; its current context unless `context` is set. */
      kubeconfigPath?: string;
      context?: string;
      /** Use the service account of the pod the backend runs in. */
      inCluster?: boolean;
      /** The most live instances the cluster takes; a create beyond it answers 409. Default unlimited. */
      maxInstances?: number;
      /** False drains the cluster: it keeps its instances and takes no new ones. Default true. */
      enabled?: boolean;
      /** This cluster's ingress; each key not given is taken from `supacontrol.ingress`. */
      ingress?: SupaControlIngressConfig;
    }>;
    helm?: {
      /** The helm binary (v3.18+ or v4). Default `helm` from PATH. */
      binary?: string;
      /** Timeout of each helm call. Default 300. */
      timeoutSeconds?: number;
    };
    /**
     * What each Backstage service principal may do with instances. Backstage's permission
     * framework allows every service credential that has no `accessRestrictions`, so SupaControl
     * refuses services that are not listed here (403). `plugin:catalog` may `read` unless listed
     * otherwise (the catalog module lists instances); the scaffolder actions call on behalf of the
     * user and need no entry. Give static tokens in `backend.auth.externalAccess` an
     * `accessRestrictions: [{ plugin: supacontrol }]` as well.
     */
    serviceAccess?: Array<{
      /** `plugin:<id>` for another plugin, or the `subject` of an external-access token. */
      subject: string;
      /** Operations: read, create, update, delete, credentials. */
      allow: Array<'read' | 'create' | 'update' | 'delete' | 'credentials'>;
      /** Only instances of these owners (full entity refs); default any owner. */
      owners?: string[];
    }>;
    /** Limits that keep one caller from taking all of SupaControl. */
    limits?: {
      /** Live instances one owner (user or group) may have. Default 10. */
      instancesPerOwner?: number;
      /** Live instances in total. Default 500. */
      instancesTotal?: number;
      /** Requests per minute one caller may make to /v1, per backend replica. Default 600. */
      requestsPerMinute?: number;
    };
    /** Plugin API keys. */
    apiKeys?: {
      /** Lifetime of a key created without expiresAt. Default 90. */
      defaultLifetimeDays?: number;
      /** The furthest expiry a key may have, at most 365. Keys that never expire are for admins. */
      maxLifetimeDays?: number;
      /** How long a key owner's groups, read from the catalog, are reused: 0 to 60. Default 60. */
      ownershipCacheSeconds?: number;
      /** Failed authentications before 429 with Retry-After. */
      failedAttempts?: {
        /** Per key id. Default 10. */
        perKey?: number;
        /** Per client address. Default 50. */
        perClient?: number;
        /** The window the failures are counted in. Default 300. */
        windowSeconds?: number;
      };
    };
    /**
     * Owners are notified (Backstage notifications plugin) when an instance becomes Running,
     * Failed or Deleted and when an API key expires within 7 days; open pages get each status
     * change as a signal (Backstage signals plugin). Both need those backends installed.
     */
    notifications?: {
      /** Default true. */
      enabled?: boolean;
      /** Publish status changes on the `supacontrol:instances` signal channel. Default true. */
      signals?: boolean;
    };
    reconcile?: {
      /** False: this replica only serves the API. Default true. */
      enabled?: boolean;
      /** Period of the full reconcile pass. Default 30. */
      intervalSeconds?: number;
      /** Instances reconciled at once by one replica. Default 4. */
      concurrency?: number;
      /** Failed attempts in a row before an instance is Failed. Default 5. */
      maxAttempts?: number;
      /** First retry delay, doubled per failure. Default 5. */
      backoffBaseSeconds?: number;
      /** Longest retry delay. Default 300. */
      backoffMaxSeconds?: number;
      /** How long a replica holds an instance while working on it (renewed). Default 120. */
      leaseSeconds?: number;
      /**
       * How long an applied release may take to become ready (image pulls, volumes binding)
       * before the instance gets `Progressing=False` with its pods' reasons and becomes Failed
       * (while provisioning) or Degraded (after a change). Default 600.
       */
      progressDeadlineSeconds?: number;
    };
    /** Public URLs through an ingress controller: `<name>.<domain>` and `studio-<name>.<domain>`. */
    ingress?: SupaControlIngressConfig;
    /** The NetworkPolicies of every instance. */
    networkPolicy?: {
      /**
       * What instance pods may reach besides their namespace and the cluster DNS. The cloud
       * metadata address and the apiserver's addresses are always cut out of these ranges.
       */
      egress?: {
        /** IPv4 ranges and ports: the SMTP server, OAuth providers, object storage. */
        allow?: Array<{
          cidr: string;
          ports: Array<{ port: number; protocol?: 'TCP' | 'UDP' }>;
        }>;
        /** Further IPv4 ranges never to reach, even inside an allowed one. */
        deny?: string[];
      };
    };
  };
}

/** An SMTP server for the instances' Auth. */
/** `supacontrol.ingress`, or a cluster's own (`supacontrol.clusters[].ingress`). */
interface SupaControlIngressConfig {
  domain?: string;
  className?: string;
  /** cert-manager ClusterIssuer for the TLS certificates. */
  clusterIssuer?: string;
  /**
   * Namespace of the ingress controller; required with `domain`. Each instance's NetworkPolicy
   * admits its pods to Kong.
   */
  controllerNamespace?: string;
  /** Labels of the ingress controller's pods there, e.g. `app.kubernetes.io/name: ingress-nginx`. */
  controllerPodLabels?: { [name: string]: string };
}

interface SupaControlSmtpConfig {
  host: string;
  /** Default 587. */
  port?: number;
  /** The sender address, e.g. `noreply@example.com`. */
  senderEmail: string;
  senderName?: string;
  /**
   * A Secret in the backend's cluster with the keys `username` and `password`. SupaControl copies
   * them into each instance's Secret; they never reach its database or its logs.
   */
  credentials?: { namespace: string; name: string };
}
