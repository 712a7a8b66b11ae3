/**
 * What the fake cloud services of the labs share (test/keys, test/node-gc): an HTTP server
 * on an ephemeral loopback port, and a request's body. The fakes live in the test process,
 * so the code under test runs in a child process spawned asynchronously.
 */
import { IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** Starts `server` on 127.0.0.1 and an ephemeral port; its base URL. */
export function listenOnLoopback(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** The whole body of a request, as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
