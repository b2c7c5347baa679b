import { InfoCard, Link, Progress } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Instance,
  InstanceStatus,
  supacontrolInstanceCredentialsReadPermission,
} from '@supacontrol/plugin-supacontrol-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ReactNode } from 'react';
import { InstanceCredentials } from '../../../api';
import {
  InstanceCredentialsState,
  useInstanceCredentials,
} from '../../../hooks';
import { errorMessage } from '../../Shared/ErrorPanel';
import { SecretValue } from '../../Shared/SecretValue';

/** Statuses in which the instance's secrets exist and its endpoints answer. */
const CONNECTABLE: readonly InstanceStatus[] = [
  'Running',
  'Updating',
  'Paused',
];

/** The connection string with its password replaced, for showing before "reveal". */
function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1••••••@');
}

const Row = (props: { label: string; children: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" style={{ whiteSpace: 'nowrap' }}>
      {props.label}
    </TableCell>
    <TableCell style={{ width: '100%' }}>{props.children}</TableCell>
  </TableRow>
);

const ExternalLink = (props: { url?: string }) =>
  props.url ? <Link to={props.url}>{props.url}</Link> : <>—</>;

/**
 * The connection details with every key and password masked until a reveal or copy fetches them
 * all at once (one audited read for the page).
 */
const CredentialRows = (props: {
  instance: Instance;
  credentials: InstanceCredentialsState;
}) => {
  const { instance, credentials } = props;
  const value = credentials.value;
  const fetched = (pick: (c: InstanceCredentials) => string) => () =>
    credentials.load().then(pick);
  return (
    <>
      <Row label="API URL">
        <SecretValue
          label="API URL"
          value={value?.apiUrl ?? instance.endpoints.api}
        />
      </Row>
      <Row label="anon key">
        <SecretValue
          label="anon key"
          value={value?.anonKey}
          load={fetched(c => c.anonKey)}
        />
      </Row>
      <Row label="service_role key">
        <SecretValue
          secret
          label="service_role key"
          value={value?.serviceRoleKey}
          load={fetched(c => c.serviceRoleKey)}
        />
        <Typography variant="caption" color="textSecondary">
          Bypasses row-level security: use it only on servers, never in a
          browser or app.
        </Typography>
      </Row>
      <Row label="Postgres">
        <SecretValue
          secret
          label="Postgres connection string"
          value={value?.postgresUrl}
          load={fetched(c => c.postgresUrl)}
          masked={value && maskPassword(value.postgresUrl)}
        />
      </Row>
      <Row label="Studio">
        <ExternalLink url={value?.studioUrl ?? instance.endpoints.studio} />
      </Row>
      <Row label="Studio login">
        <SecretValue
          label="Studio user"
          value={value?.dashboard.username}
          load={fetched(c => c.dashboard.username)}
        />
        <SecretValue
          secret
          label="Studio password"
          value={value?.dashboard.password}
          load={fetched(c => c.dashboard.password)}
        />
      </Row>
    </>
  );
};

/**
 * How to connect: endpoints for everyone who can see the instance; keys and passwords for those
 * with the credentials permission, masked and fetched only when one is revealed or copied (each
 * read is audited), secrets masked until revealed.
 */
export const ConnectionPanel = (props: { instance: Instance }) => {
  const { instance } = props;
  const permission = usePermission({
    permission: supacontrolInstanceCredentialsReadPermission,
    resourceRef: instance.name,
  });
  const connectable = CONNECTABLE.includes(instance.status);
  const credentials = useInstanceCredentials(instance.name);

  let details: ReactNode;
  if (instance.status === 'Deleting' || instance.status === 'Deleted') {
    details = (
      <Typography color="textSecondary">
        This instance is being deleted; its keys and passwords are gone.
      </Typography>
    );
  } else if (!connectable) {
    details = (
      <Typography color="textSecondary">
        Keys and connection strings appear once the instance is Running.
      </Typography>
    );
  } else if (permission.loading) {
    details = <Progress />;
  } else if (!permission.allowed) {
    details = (
      <Alert severity="info">
        You may not read this instance&apos;s keys and passwords. Ask its owner
        ({instance.owner}) or a SupaControl admin.
      </Alert>
    );
  } else if (credentials.loading) {
    details = <Progress />;
  } else if (credentials.error) {
    details = (
      <Alert severity="error">
        Could not load the credentials: {errorMessage(credentials.error)}
      </Alert>
    );
  } else if (!credentials.value) {
    details = (
      <Typography variant="caption" color="textSecondary">
        Keys and passwords are fetched when you reveal or copy one; every read
        is audited.
      </Typography>
    );
  }

  return (
    <InfoCard title="Connect">
      <Table size="small" aria-label="Connection details">
        <TableBody>
          {permission.allowed && connectable ? (
            <CredentialRows instance={instance} credentials={credentials} />
          ) : (
            <>
              <Row label="API URL">
                <ExternalLink url={instance.endpoints.api} />
              </Row>
              <Row label="Studio">
                <ExternalLink url={instance.endpoints.studio} />
              </Row>
            </>
          )}
        </TableBody>
      </Table>
      {details}
    </InfoCard>
  );
};
