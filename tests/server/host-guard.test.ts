import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from './server.js';

let server: TestServer;
beforeAll(async () => {
  server = await testServer();
});
afterAll(() => server.stop());

/** fetch cannot set Host, which is the point of a rebinding attack: speak HTTP directly. */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a server on loopback (the default)', () => {
  it('answers requests that name a loopback host', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, 'localhost']) {
      expect((await getWithHost('/api/views', host)).status, host).toBe(200);
    }
  });

  it('refuses a request whose Host is another name (DNS rebinding), for the API and the dashboard alike', async () => {
    for (const path of ['/api/views', '/api/ops', '/']) {
      const { status, body } = await getWithHost(path, `rebind.example:${server.port}`);
      expect(status, path).toBe(403);
      expect(JSON.parse(body)).toMatchObject({ ok: false, error: { code: 'forbidden_host' } });
    }
  });
});
