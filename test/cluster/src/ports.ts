import { createServer, type Server } from 'node:net';

/**
 * Picks `count` distinct free TCP ports on 127.0.0.1. All listeners are held
 * open together so the kernel cannot hand out the same port twice; another
 * program could still take one before our component binds it, which is rare
 * enough on a test machine that a retry of the whole start is the remedy.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string')
        throw new Error('could not read a listening port');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(
      servers.map(s => new Promise<void>(resolve => s.close(() => resolve()))),
    );
  }
}
