/**
 * Longest instance name. The namespace is `supa-<name>` and the Helm release and its resources
 * derive their names from it; 40 keeps every derived name inside Kubernetes' 63-character limits.
 *
 * @public
 */
export const INSTANCE_NAME_MAX_LENGTH = 40;

/**
 * Names that would be confusing or collide with system namespaces once prefixed.
 *
 * @public
 */
export const RESERVED_INSTANCE_NAMES: readonly string[] = [
  'admin',
  'api',
  'default',
  'kube',
  'kube-system',
  'kube-public',
  'new',
  'settings',
  'supabase',
  'supacontrol',
  'system',
];

const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Describes the accepted names, for error messages and form hints. @public */
export const INSTANCE_NAME_RULE = `1–${INSTANCE_NAME_MAX_LENGTH} lowercase letters, digits or '-', starting with a letter and not ending with '-'`;

/**
 * Checks an instance name with the rules the backend applies. Returns why the name is refused, or
 * `undefined` when it is accepted. The frontend uses it for live validation.
 *
 * @public
 */
export function validateInstanceName(name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return `name must be a string of ${INSTANCE_NAME_RULE}`;
  }
  if (name.length === 0 || name.length > INSTANCE_NAME_MAX_LENGTH) {
    return `name must be ${INSTANCE_NAME_RULE}; '${name.slice(0, 60)}' has ${
      name.length
    } characters`;
  }
  if (!NAME_PATTERN.test(name)) {
    return `name must be ${INSTANCE_NAME_RULE}; got '${name}'`;
  }
  if (name.includes('--')) {
    return `name must not contain '--'; got '${name}'`;
  }
  if (RESERVED_INSTANCE_NAMES.includes(name)) {
    return `name '${name}' is reserved; choose another`;
  }
  return undefined;
}

/** The namespace an instance lives in. @public */
export function instanceNamespace(name: string): string {
  return `supa-${name}`;
}
