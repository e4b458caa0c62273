/**
 * Embeddings are optional and computed at write time only: the vector is stored in the
 * FindingRecorded event, so replay and every projection stay pure and never call a model.
 * Select a provider with CAIRN_EMBEDDINGS, e.g.
 *   CAIRN_EMBEDDINGS=ollama:http://127.0.0.1:11434/nomic-embed-text
 */

export interface EmbeddingProvider {
  /** Stored with each vector: only vectors of the same model are ever compared. */
  readonly model: string;
  embed(text: string): Promise<number[]>;
}

export class EmbeddingError extends Error {
  override readonly name = 'EmbeddingError';
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
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: this.model, prompt: text }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      throw new EmbeddingError(`embedding provider at ${this.baseUrl} unreachable: ${(cause as Error).message}`, { cause });
    }
    if (!response.ok) {
      throw new EmbeddingError(`embedding provider at ${this.baseUrl} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    }
    const body = (await response.json().catch(() => null)) as { embedding?: unknown } | null;
    const vector = body?.embedding;
    if (!Array.isArray(vector) || vector.length === 0 || vector.length > 4096 || !vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new EmbeddingError(`embedding provider at ${this.baseUrl} returned no usable vector (need 1–4096 finite numbers)`);
    }
    return vector as number[];
  }
}

/**
 * Reads CAIRN_EMBEDDINGS ("ollama:<base url>/<model>"); undefined when unset.
 * The model is the last path segment, so "…/nomic-embed-text:latest" works too.
 */
export function embeddingProviderFromEnv(env: Record<string, string | undefined>): EmbeddingProvider | undefined {
  const spec = env.CAIRN_EMBEDDINGS?.trim();
  if (!spec) return undefined;
  const match = /^ollama:(https?:\/\/.+)\/([^/]+)$/.exec(spec);
  if (!match) throw new EmbeddingError(`CAIRN_EMBEDDINGS must look like ollama:http://127.0.0.1:11434/nomic-embed-text, not "${spec}"`);
  return new OllamaEmbeddingProvider(match[1]!, decodeURIComponent(match[2]!));
}

/** The `embedding` field of a FindingRecorded event, computed once at write time. */
export async function embeddingFor(provider: EmbeddingProvider, text: string): Promise<{ model: string; vector: number[] }> {
  return { model: provider.model, vector: await provider.embed(text) };
}
