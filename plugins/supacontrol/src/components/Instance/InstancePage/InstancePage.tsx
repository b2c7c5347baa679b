import {
  Breadcrumbs,
  Content,
  ContentHeader,
  Link,
  Progress,
} from '@backstage/core-components';
import { useRouteRef, useRouteRefParams } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useInstanceDetails } from '../../../hooks';
import { instanceRouteRef, rootRouteRef } from '../../../routes';
import { ErrorPanel } from '../../Shared/ErrorPanel';
import { InstanceActions } from '../InstanceActions';
import { InstanceDetails } from '../InstanceDetails';

/**
 * `/supacontrol/instances/:name`: status, conditions, components, how to connect, history and
 * actions of one instance. Reloads itself while the instance is changing.
 */
export const InstancePage = () => {
  const { name } = useRouteRefParams(instanceRouteRef);
  const rootLink = useRouteRef(rootRouteRef);
  const { value, error, retry } = useInstanceDetails(name);

  let body: JSX.Element;
  if (error) {
    body = (
      <ErrorPanel
        error={error}
        what={`Could not load instance ${name}`}
        onRetry={retry}
      />
    );
  } else if (!value) {
    body = <Progress />;
  } else {
    const { instance, events } = value;
    body = (
      <>
        <ContentHeader title={instance.name}>
          <InstanceActions instance={instance} onChanged={retry} />
        </ContentHeader>
        <InstanceDetails instance={instance} events={events} />
      </>
    );
  }

  return (
    <Content>
      <Box mb={2}>
        <Breadcrumbs aria-label="breadcrumb">
          <Link to={rootLink()}>Instances</Link>
          <Typography>{name}</Typography>
        </Breadcrumbs>
      </Box>
      {body}
    </Content>
  );
};
