import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { INSTANCE_STATUSES } from '@supacontrol/plugin-supacontrol-common';
import { InstanceStatusChip } from './InstanceStatusChip';

describe('InstanceStatusChip', () => {
  it('spins for transitional statuses only', async () => {
    await renderInTestApp(
      <>
        {INSTANCE_STATUSES.map(status => (
          <InstanceStatusChip key={status} status={status} />
        ))}
      </>,
    );

    for (const status of ['Pending', 'Provisioning', 'Updating', 'Deleting']) {
      expect(
        screen.getByLabelText(`${status}, in progress`),
      ).toBeInTheDocument();
    }
    for (const status of ['Running', 'Paused', 'Deleted', 'Failed']) {
      expect(screen.getByText(status)).toBeInTheDocument();
      expect(
        screen.queryByLabelText(`${status}, in progress`),
      ).not.toBeInTheDocument();
    }
  });

  it('gives every status its own colour', async () => {
    await renderInTestApp(
      <>
        {INSTANCE_STATUSES.map(status => (
          <InstanceStatusChip key={status} status={status} />
        ))}
      </>,
    );

    const classes = INSTANCE_STATUSES.map(
      status => screen.getByTestId(`status-${status}`).className,
    );
    expect(new Set(classes).size).toBe(INSTANCE_STATUSES.length);
  });
});
