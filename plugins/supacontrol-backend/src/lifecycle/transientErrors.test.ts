import { ApiException } from '@kubernetes/client-node';
import { HelmError } from '../helm/HelmClient';
import { isTransientError } from './transientErrors';

describe('isTransientError', () => {
  it.each([
    [new ApiException(503, 'unavailable', '', {}), true],
    [new ApiException(429, 'throttled', '', {}), true],
    [new ApiException(403, 'forbidden', '', {}), false],
    [new ApiException(422, 'invalid', '', {}), false],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), {
        code: 'ECONNREFUSED',
      }),
      true,
    ],
    [
      new Error('fetch failed', {
        cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      }),
      true,
    ],
    [
      new HelmError(
        'helm upgrade failed',
        'Error: Kubernetes cluster unreachable: connection refused',
        1,
      ),
      true,
    ],
    [
      new HelmError(
        'helm upgrade failed',
        'Error: chart "supabase" version "9.9.9" not found',
        1,
      ),
      false,
    ],
    [new Error('something else'), false],
  ])('%s → %s', (error, expected) => {
    expect(isTransientError(error)).toBe(expected);
  });
});
