import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Instance,
  INSTANCE_COMPONENTS,
  InstanceComponentName,
  supacontrolInstanceUpdatePermission,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { ReactNode, useEffect, useState } from 'react';
import { supacontrolApiRef } from '../../../api';
import { ACTIVE_STATUSES, useChartVersions, usePlans } from '../../../hooks';
import { ConfirmDialog } from '../../Shared/ConfirmDialog';
import { errorMessage } from '../../Shared/ErrorPanel';

/** Value of the restart picker that means every component. */
const ALL_COMPONENTS = 'all';

/** Why the database password is not offered; the backend refuses it for the same reason. */
export const DATABASE_ROTATION_REASON =
  'The database password cannot be rotated here: Postgres keeps the password it was first ' +
  'given, so a new one in the Secret would lock every component out.';

/** Credential rotations that are offered, with what the confirmation says about them. */
const ROTATIONS = {
  jwt: {
    label: 'Rotate JWT secret',
    title: 'Rotate the JWT secret?',
    text:
      'A new JWT secret, anon key and service_role key are generated and every component ' +
      'restarts. The old keys stop working: applications must be given the new ones.',
  },
  dashboard: {
    label: 'Rotate Studio password',
    title: 'Rotate the Studio password?',
    text: 'Studio gets a new password; the old one stops working.',
  },
} as const;

const Section = (props: { title: string; children: ReactNode }) => (
  <Box mb={3}>
    <Typography variant="h6" component="h3" gutterBottom>
      {props.title}
    </Typography>
    {props.children}
  </Box>
);

/**
 * Day-2 operations on an instance for those allowed to change it: restart all or one component,
 * change the plan, upgrade the chart, rotate credentials and switch deletion protection. A refusal from the backend
 * is shown at the top of the card; `onChanged` is called after each accepted request.
 */
export const InstanceOperations = (props: {
  instance: Instance;
  onChanged: () => void;
}) => {
  const { instance, onChanged } = props;
  const api = useApi(supacontrolApiRef);
  const alertApi = useApi(alertApiRef);
  const canUpdate = usePermission({
    permission: supacontrolInstanceUpdatePermission,
    resourceRef: instance.name,
  });
  const plans = usePlans();
  const charts = useChartVersions();
  const [chartVersion, setChartVersion] = useState(instance.chart.version);
  const [component, setComponent] = useState<string>(ALL_COMPONENTS);
  const [plan, setPlan] = useState(instance.plan);
  const [rotating, setRotating] = useState<keyof typeof ROTATIONS>();
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<string>();
  // A plan changed elsewhere (or by this card) becomes the picker's starting point.
  useEffect(() => setPlan(instance.plan), [instance.plan]);
  useEffect(
    () => setChartVersion(instance.chart.version),
    [instance.chart.version],
  );

  if (canUpdate.loading) return null;
  if (!canUpdate.allowed) {
    return (
      <InfoCard title="Operations">
        <Typography color="textSecondary">
          You may not change this instance.
        </Typography>
      </InfoCard>
    );
  }

  /** Sends one request; says what happened either way and reloads the page after success. */
  const run = async (
    what: string,
    call: () => Promise<unknown>,
    done: string,
  ) => {
    setPending(true);
    setFailure(undefined);
    try {
      await call();
      alertApi.post({ message: done, severity: 'info', display: 'transient' });
      onChanged();
    } catch (e) {
      setFailure(`Could not ${what}: ${errorMessage(e as Error)}`);
    } finally {
      setPending(false);
    }
  };

  const gone = instance.status === 'Deleting' || instance.status === 'Deleted';
  const restartable =
    instance.desiredState === 'running' &&
    ACTIVE_STATUSES.includes(instance.status);
  const rotatable =
    ACTIVE_STATUSES.includes(instance.status) || instance.status === 'Paused';
  const restartTarget =
    component === ALL_COMPONENTS
      ? undefined
      : (component as InstanceComponentName);
  const currentPlan = plans.value?.find(p => p.name === plan);

  return (
    <InfoCard title="Operations">
      {failure && (
        <Box mb={2}>
          <Alert
            severity="error"
            role="alert"
            onClose={() => setFailure(undefined)}
          >
            {failure}
          </Alert>
        </Box>
      )}
      {gone && (
        <Box mb={2}>
          <Alert severity="info">
            The instance is {instance.status.toLowerCase()}; nothing can be
            changed any more.
          </Alert>
        </Box>
      )}

      <Section title="Restart">
        <Box display="flex" alignItems="flex-start" gridGap={16}>
          <TextField
            select
            variant="outlined"
            size="small"
            id="supacontrol-restart-component"
            label="Component"
            value={component}
            onChange={e => setComponent(e.target.value)}
            style={{ minWidth: 200 }}
            helperText={
              restartable
                ? undefined
                : 'Only a Running, Updating or Degraded instance can be restarted'
            }
          >
            <MenuItem value={ALL_COMPONENTS}>All components</MenuItem>
            {INSTANCE_COMPONENTS.map(c => (
              <MenuItem key={c} value={c}>
                {c}
              </MenuItem>
            ))}
          </TextField>
          <Button
            variant="outlined"
            disabled={pending || !restartable}
            onClick={() =>
              run(
                `restart ${restartTarget ?? 'the components of'} ${
                  instance.name
                }`,
                () => api.restartInstance(instance.name, restartTarget),
                `Restarting ${restartTarget ?? 'every component'} of ${
                  instance.name
                }.`,
              )
            }
          >
            Restart
          </Button>
        </Box>
      </Section>

      <Section title="Plan">
        {plans.error ? (
          <Alert severity="warning">
            Could not load the plans: {errorMessage(plans.error)}
          </Alert>
        ) : (
          <Box display="flex" alignItems="flex-start" gridGap={16}>
            <TextField
              select
              variant="outlined"
              size="small"
              id="supacontrol-change-plan"
              label="Plan"
              value={plans.value ? plan : ''}
              disabled={plans.loading || gone}
              onChange={e => setPlan(e.target.value)}
              style={{ minWidth: 200 }}
              helperText={
                plans.loading ? 'Loading plans…' : currentPlan?.description
              }
            >
              {(plans.value ?? []).map(p => (
                <MenuItem key={p.name} value={p.name}>
                  {p.name}
                  {p.name === instance.plan ? ' (current)' : ''}
                </MenuItem>
              ))}
            </TextField>
            <Button
              variant="outlined"
              disabled={pending || gone || plan === instance.plan}
              onClick={() =>
                run(
                  `change the plan of ${instance.name}`,
                  () => api.updateInstance(instance.name, { plan }),
                  `Moving ${instance.name} to plan ${plan}.`,
                )
              }
            >
              Change plan
            </Button>
          </Box>
        )}
      </Section>

      <Section title="Chart version">
        {charts.error ? (
          <Alert severity="warning">
            Could not load the chart versions: {errorMessage(charts.error)}
          </Alert>
        ) : (
          <Box display="flex" alignItems="flex-start" gridGap={16}>
            <TextField
              select
              variant="outlined"
              size="small"
              id="supacontrol-chart-version"
              label="Chart version"
              value={charts.value ? chartVersion : ''}
              disabled={charts.loading || gone}
              onChange={e => setChartVersion(e.target.value)}
              style={{ minWidth: 200 }}
              helperText={
                charts.loading
                  ? 'Loading versions…'
                  : 'Rendered first; a failed upgrade is rolled back'
              }
            >
              {[
                ...new Set([
                  instance.chart.version,
                  ...(charts.value?.versions ?? []),
                ]),
              ].map(v => (
                <MenuItem key={v} value={v}>
                  {v}
                  {v === instance.chart.version ? ' (current)' : ''}
                </MenuItem>
              ))}
            </TextField>
            <Button
              variant="outlined"
              disabled={
                pending || gone || chartVersion === instance.chart.version
              }
              onClick={() =>
                run(
                  `upgrade ${instance.name}`,
                  () => api.updateInstance(instance.name, { chartVersion }),
                  `Upgrading ${instance.name} to chart ${chartVersion}.`,
                )
              }
            >
              Upgrade
            </Button>
          </Box>
        )}
      </Section>

      <Section title="Credentials">
        <Box display="flex" flexWrap="wrap" gridGap={8}>
          {(Object.keys(ROTATIONS) as (keyof typeof ROTATIONS)[]).map(what => (
            <Button
              key={what}
              variant="outlined"
              disabled={pending || !rotatable}
              onClick={() => setRotating(what)}
            >
              {ROTATIONS[what].label}
            </Button>
          ))}
          <Button
            variant="outlined"
            disabled
            aria-describedby="supacontrol-rotate-database-reason"
          >
            Rotate database password
          </Button>
        </Box>
        <FormHelperText id="supacontrol-rotate-database-reason">
          {DATABASE_ROTATION_REASON}
        </FormHelperText>
        {!rotatable && (
          <FormHelperText>
            Credentials can be rotated while the instance is Running, Updating,
            Degraded or Paused.
          </FormHelperText>
        )}
      </Section>

      <Section title="Deletion protection">
        <FormControlLabel
          control={
            <Switch
              color="primary"
              checked={instance.deletionProtection}
              disabled={pending || gone}
              onChange={(_e, checked) =>
                run(
                  `turn deletion protection ${checked ? 'on' : 'off'}`,
                  () =>
                    api.updateInstance(instance.name, {
                      deletionProtection: checked,
                    }),
                  `Deletion protection of ${instance.name} is ${
                    checked ? 'on' : 'off'
                  }.`,
                )
              }
            />
          }
          label="Deletion protection"
        />
        <FormHelperText>
          While it is on, the instance cannot be deleted, here or through the
          API.
        </FormHelperText>
      </Section>

      <ConfirmDialog
        open={rotating !== undefined}
        title={rotating ? ROTATIONS[rotating].title : ''}
        confirmLabel="Rotate"
        onClose={() => setRotating(undefined)}
        onConfirm={async () => {
          if (!rotating) return;
          await api.rotateCredentials(instance.name, rotating);
          alertApi.post({
            message: `${ROTATIONS[rotating].label.replace(
              'Rotate',
              'Rotated',
            )} of ${instance.name}.`,
            severity: 'info',
            display: 'transient',
          });
          onChanged();
        }}
      >
        <Typography>{rotating ? ROTATIONS[rotating].text : ''}</Typography>
      </ConfirmDialog>
    </InfoCard>
  );
};
