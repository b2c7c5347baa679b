import { INSTANCE_STATUSES } from '@supacontrol/plugin-supacontrol-common';
import { assertTransition, canTransition, TRANSITIONS } from './stateMachine';

describe('instance state machine', () => {
  it('lists every status', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual(
      [...INSTANCE_STATUSES].sort(),
    );
  });

  it('lets every status except Deleted be deleted', () => {
    for (const status of INSTANCE_STATUSES) {
      expect(canTransition(status, 'Deleting')).toBe(status !== 'Deleted');
    }
  });

  it('makes Deleted final and Failed recoverable', () => {
    for (const status of INSTANCE_STATUSES) {
      expect(canTransition('Deleted', status)).toBe(status === 'Deleted');
    }
    expect(canTransition('Failed', 'Pending')).toBe(true);
  });

  it('refuses transitions that are not in the table', () => {
    expect(() => assertTransition('Pending', 'Running')).toThrow(
      'Illegal instance status transition Pending → Running',
    );
    expect(() => assertTransition('Provisioning', 'Running')).not.toThrow();
  });
});
