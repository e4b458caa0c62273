import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddingError, OllamaEmbeddingProvider, OpenAiEmbeddingProvider, embeddingFor, embeddingProviderFromEnv } from '../../src/similarity/embedding.js';

// A real HTTP server on the loopback interface that speaks Ollama's /api/embeddings.
let server: Server;
let base: string;
const requests: Array<{ method?: string; url?: string; body: unknown; authorization?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || 'null') as { model?: string; prompt?: string; input?: string };
      requests.push({ method: req.method, url: req.url, body, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      if (req.url === '/v1/embeddings') {
        // The OpenAI-compatible shape, as llama.cpp's server and vLLM answer it.
        const vector = body?.model === 'broken' ? [] : [body!.input!.length, 0.25];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: vector }], model: body?.model }));
      } else if (body?.model === 'missing') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"model \\"missing\\" not found"}');
      } else if (body?.model === 'broken') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"embedding":[1,"x"]}');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ embedding: [body!.prompt!.length, 0.5, -1] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Ollama embedding provider', () => {
  it('POSTs {model, prompt} to /api/embeddings and returns the vector', async () => {
    const provider = new OllamaEmbeddingProvider(`${base}/`, 'nomic-embed-text');
    expect(await embeddingFor(provider, 'hello')).toEqual({ model: 'nomic-embed-text', vector: [5, 0.5, -1] });
    expect(requests.at(-1)).toEqual({ method: 'POST', url: '/api/embeddings', body: { model: 'nomic-embed-text', prompt: 'hello' } });
  });

  it('names the provider and the status when the model is missing', async () => {
    await expect(new OllamaEmbeddingProvider(base, 'missing').embed('x')).rejects.toThrow(/answered 404: .*not found/);
  });

  it('refuses a response without a usable vector', async () => {
    await expect(new OllamaEmbeddingProvider(base, 'broken').embed('x')).rejects.toThrow(EmbeddingError);
  });

  it('reports an unreachable provider', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(new OllamaEmbeddingProvider(`http://127.0.0.1:${port}`, 'm').embed('x')).rejects.toThrow(/unreachable/);
  });

  it('is selected by CAIRN_EMBEDDINGS', async () => {
    expect(embeddingProviderFromEnv({})).toBeUndefined();
    const provider = embeddingProviderFromEnv({ CAIRN_EMBEDDINGS: `ollama:${base}/nomic-embed-text:latest` })!;
    expect(provider.model).toBe('nomic-embed-text:latest');
    expect(await provider.embed('abc')).toEqual([3, 0.5, -1]);
    expect(() => embeddingProviderFromEnv({ CAIRN_EMBEDDINGS: 'openai:foo' })).toThrow(/must look like ollama:.* or openai:/);
  });
});

describe('OpenAI-compatible embedding provider', () => {
  it('POSTs {model, input} to BASE/embeddings, with the key when there is one, and returns data[0].embedding', async () => {
    const provider = embeddingProviderFromEnv({ CAIRN_EMBEDDINGS: `openai:${base}/v1/nomic-embed-text`, CAIRN_EMBEDDINGS_KEY: 'sk-test' })!;
    expect(provider).toBeInstanceOf(OpenAiEmbeddingProvider);
    expect(await embeddingFor(provider, 'hello')).toEqual({ model: 'nomic-embed-text', vector: [5, 0.25] });
    expect(requests.at(-1)).toEqual({ method: 'POST', url: '/v1/embeddings', body: { model: 'nomic-embed-text', input: 'hello' }, authorization: 'Bearer sk-test' });
    await new OpenAiEmbeddingProvider(`${base}/v1`, 'm').embed('x');
    expect(requests.at(-1)!.authorization).toBeUndefined();
  });

  it('refuses an answer without a usable vector, naming the provider', async () => {
    await expect(new OpenAiEmbeddingProvider(`${base}/v1`, 'broken').embed('x')).rejects.toThrow(/returned no usable vector/);
  });
});
