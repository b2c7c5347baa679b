/**
 * Auditor event ids of the SupaControl backend (kebab-case, without the plugin prefix).
 *
 * @public
 */
export const SUPACONTROL_AUDIT_EVENTS = {
  instanceCreate: 'instance-create',
  instanceDelete: 'instance-delete',
  instanceUpdate: 'instance-update',
  instanceCredentialsRead: 'instance-credentials-read',
  apiKeyCreate: 'api-key-create',
  apiKeyRevoke: 'api-key-revoke',
  apiKeyAuthenticate: 'api-key-authenticate',
} as const;
