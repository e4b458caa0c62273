/**
 * Embeddings are optional and computed at write time only: the vector is stored in the
 * FindingRecorded event, so replay and every projection stay pure and never call a model.
 * Select a provider with CAIRN_EMBEDDINGS, e.g.
 *   CAIRN_EMBEDDINGS=ollama:http://127.0.0.1:11434/nomic-embed-text
 *   CAIRN_EMBEDDINGS=openai:http://127.0.0.1:8080/v1/nomic-embed-text   (CAIRN_EMBEDDINGS_KEY for a key)
 */

export interface EmbeddingProvider {
  /** Stored with each vector: only vectors of the same model are ever compared. */
  readonly model: string;
  embed(text: string): Promise<number[]>;
}

export class EmbeddingError extends Error {
  override readonly name = 'EmbeddingError';
}

/** POSTs JSON to the provider at `where` and returns its parsed answer, naming the provider in every failure. */
async function postJson(where: string, path: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}): Promise<unknown> {
  const url = `${where}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new EmbeddingError(`embedding provider at ${where} unreachable: ${(cause as Error).message}`, { cause });
  }
  if (!response.ok) throw new EmbeddingError(`embedding provider at ${where} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return response.json().catch(() => null);
}

/** A vector as the event schema takes it: 1 to 4096 finite numbers. */
function usableVector(vector: unknown, where: string): number[] {
  if (!Array.isArray(vector) || vector.length === 0 || vector.length > 4096 || !vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new EmbeddingError(`embedding provider at ${where} returned no usable vector (need 1–4096 finite numbers)`);
  }
  return vector as number[];
}

/** Ollama's POST /api/embeddings {model, prompt} → {embedding}. */
export class OllamaEmbeddingProvider implements EmbeddingProvider {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    readonly model: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async embed(text: string): Promise<number[]> {
    const body = (await postJson(this.baseUrl, '/api/embeddings', { model: this.model, prompt: text }, this.timeoutMs)) as { embedding?: unknown } | null;
    return usableVector(body?.embedding, this.baseUrl);
  }
}

/**
 * The OpenAI-compatible POST {base}/embeddings {model, input} → {data: [{embedding}]}, which
 * llama.cpp's server, vLLM, LM Studio and hosted providers speak. `base` ends in /v1 as a
 * rule; an API key, when the provider needs one, comes from CAIRN_EMBEDDINGS_KEY.
 */
export class OpenAiEmbeddingProvider implements EmbeddingProvider {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    readonly model: string,
    private readonly apiKey?: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async embed(text: string): Promise<number[]> {
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    const body = (await postJson(this.baseUrl, '/embeddings', { model: this.model, input: text }, this.timeoutMs, headers)) as { data?: { embedding?: unknown }[] } | null;
    return usableVector(body?.data?.[0]?.embedding, this.baseUrl);
  }
}

/**
 * Reads CAIRN_EMBEDDINGS: "ollama:<base url>/<model>" or "openai:<base url>/<model>" (for
 * example openai:http://127.0.0.1:8080/v1/nomic-embed-text); undefined when unset. The model
 * is the last path segment, so "…/nomic-embed-text:latest" works too.
 */
export function embeddingProviderFromEnv(env: Record<string, string | undefined>): EmbeddingProvider | undefined {
  const spec = env.CAIRN_EMBEDDINGS?.trim();
  if (!spec) return undefined;
  const match = /^(ollama|openai):(https?:\/\/.+)\/([^/]+)$/.exec(spec);
  if (!match) {
    throw new EmbeddingError(
      `CAIRN_EMBEDDINGS must look like ollama:http://127.0.0.1:11434/nomic-embed-text or openai:http://127.0.0.1:8080/v1/MODEL, not "${spec}"`,
    );
  }
  const [, kind, base, model] = match as unknown as [string, 'ollama' | 'openai', string, string];
  return kind === 'ollama' ? new OllamaEmbeddingProvider(base, decodeURIComponent(model)) : new OpenAiEmbeddingProvider(base, decodeURIComponent(model), env.CAIRN_EMBEDDINGS_KEY || undefined);
}

/** The `embedding` field of a FindingRecorded event, computed once at write time. */
export async function embeddingFor(provider: EmbeddingProvider, text: string): Promise<{ model: string; vector: number[] }> {
  return { model: provider.model, vector: await provider.embed(text) };
}
