import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, ServiceUnavailableError } from '@backstage/errors';
import { ApiException } from '@kubernetes/client-node';
import { describeKubernetesError } from '../kubernetes/KubernetesClient';
import { isTransientError } from '../lifecycle/transientErrors';

/** 502: the cluster answered, but not as SupaControl needs (e.g. its RBAC refused). */
export class BadGatewayError extends CustomErrorBase {
  statusCode = 502;
  constructor(message: string) {
    super(message);
    this.name = 'BadGatewayError';
  }
}

/**
 * Runs a cluster call made while answering a request. Its failure reaches the client as 503 (the
 * cluster is out of reach or overloaded: try again) or 502 (it refused: an operator must look),
 * with a plain message; the apiserver's own text goes to the log only.
 */
export async function fromCluster<T>(
  what: string,
  logger: LoggerService,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiException) && !isTransientError(error)) {
      throw error;
    }
    logger.warn(`Kubernetes request failed while trying to ${what}`, {
      error: describeKubernetesError(error),
    });
    if (isTransientError(error)) {
      throw new ServiceUnavailableError(
        `The Kubernetes cluster did not answer while SupaControl tried to ${what}; try again shortly`,
      );
    }
    throw new BadGatewayError(
      `The Kubernetes cluster refused SupaControl's request to ${what} (status ${
        (error as ApiException<unknown>).code
      }); an operator should check SupaControl's access to the cluster`,
    );
  }
}
