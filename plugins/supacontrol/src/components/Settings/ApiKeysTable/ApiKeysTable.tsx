import { TableColumn } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ApiKey,
  supacontrolApiKeyManagePermission,
} from '@supacontrol/plugin-supacontrol-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import BlockIcon from '@material-ui/icons/Block';
import { useMemo } from 'react';
import { PlainTable } from '../../Shared/PlainTable';
import { RowAction } from '../../Shared/RowAction';
import { Timestamp } from '../../Shared/Timestamp';

/** Whether a key still authenticates. */
function keyState(
  key: ApiKey,
  now = Date.now(),
): 'active' | 'expired' | 'revoked' {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) {
    return 'expired';
  }
  return 'active';
}

const RevokeButton = (props: {
  apiKey: ApiKey;
  onRevoke: (key: ApiKey) => void;
}) => {
  const { apiKey, onRevoke } = props;
  const { allowed } = usePermission({
    permission: supacontrolApiKeyManagePermission,
    resourceRef: apiKey.id,
  });
  if (!allowed || apiKey.revokedAt) {
    return null;
  }
  return (
    <RowAction
      label={`Revoke ${apiKey.name}`}
      icon={<BlockIcon fontSize="small" />}
      onClick={() => onRevoke(apiKey)}
    />
  );
};

/** The user's API keys, revoked and expired ones included and marked. */
export const ApiKeysTable = (props: {
  apiKeys: ApiKey[];
  onRevoke: (key: ApiKey) => void;
}) => {
  const { apiKeys, onRevoke } = props;
  const columns = useMemo<TableColumn<ApiKey>[]>(
    () => [
      { title: 'Name', field: 'name', highlight: true },
      {
        title: 'Prefix',
        field: 'prefix',
        cellStyle: { whiteSpace: 'nowrap' },
        render: row => <code>{row.prefix}</code>,
      },
      {
        title: 'Scopes',
        render: row => (
          <Box display="flex" flexWrap="wrap" gridGap={4}>
            {row.scopes.map(scope => (
              <Chip key={scope} size="small" label={scope} />
            ))}
          </Box>
        ),
      },
      {
        title: 'Created',
        render: row => <Timestamp value={row.createdAt} />,
      },
      {
        title: 'Last used',
        render: row => <Timestamp value={row.lastUsedAt} fallback="never" />,
      },
      {
        title: 'Expires',
        render: row => <Timestamp value={row.expiresAt} fallback="never" />,
      },
      {
        title: 'State',
        render: row => {
          const state = keyState(row);
          if (state === 'revoked') {
            return (
              <Typography variant="body2" color="error">
                revoked <Timestamp value={row.revokedAt} />
              </Typography>
            );
          }
          return (
            <Typography
              variant="body2"
              color={state === 'expired' ? 'textSecondary' : 'textPrimary'}
            >
              {state}
            </Typography>
          );
        },
      },
      {
        title: 'Actions',
        align: 'right',
        render: row => <RevokeButton apiKey={row} onRevoke={onRevoke} />,
      },
    ],
    [onRevoke],
  );
  return <PlainTable title="API keys" columns={columns} rows={apiKeys} />;
};
