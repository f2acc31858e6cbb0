import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { isLoopbackUrl } from '../http/policy.js';
import type { ModelConfig } from '../config/playbook.js';

/**
 * An OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp's server, vLLM, LM Studio,
 * OpenAI, Azure OpenAI) through Earshot's one HTTP client, so the outbound policy applies like
 * to every other request. Retries 429 and 5xx with backoff (Retry-After honoured when it fits the
 * time left), counts requests per minute, and caches answers by prompt. Every failure is a
 * ModelError: the caller keeps the composer's draft.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type ModelFailure = 'timeout' | 'rate-limited' | 'budget' | 'http' | 'unreadable' | 'refused';

export class ModelError extends Error {
  constructor(
    readonly kind: ModelFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

const Completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

const MAX_BACKOFF_MS = 8_000;

/** True when the endpoint is on this machine: post text never leaves it. */
export function staysLocal(baseUrl: string): boolean {
  try {
    return isLoopbackUrl(new URL(baseUrl));
  } catch {
    return false;
  }
}

function endpointUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  return url.toString();
}

/** Seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

export class ModelClient {
  private readonly sent: number[] = [];
  private readonly cache = new Map<string, string>();

  constructor(
    readonly config: ModelConfig,
    private readonly http: HttpClient,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  get leavesMachine(): boolean {
    return !staysLocal(this.config.baseUrl);
  }

  private headers(): Record<string, string> {
    const key = this.config.apiKey;
    if (!key) return {};
    // Azure OpenAI takes the key in its own header; everyone else in Authorization.
    return /\.openai\.azure\.com$/i.test(new URL(this.config.baseUrl).hostname) ? { 'api-key': key } : { authorization: `Bearer ${key}` };
  }

  private takeBudget(now: number): void {
    while (this.sent.length && (this.sent[0] as number) <= now - 60_000) this.sent.shift();
    if (this.sent.length >= this.config.perMinute)
      throw new ModelError('budget', `model budget used: ${this.config.perMinute} requests a minute (playbook.models.*.perMinute)`);
    this.sent.push(now);
  }

  private remember(key: string, text: string): void {
    if (this.config.cacheSize === 0) return;
    this.cache.delete(key);
    this.cache.set(key, text);
    while (this.cache.size > this.config.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }

  async complete(messages: ChatMessage[], opts: { maxTokens?: number } = {}): Promise<string> {
    const body = {
      model: this.config.model,
      messages,
      temperature: this.config.temperature,
      max_tokens: opts.maxTokens ?? 300,
      stream: false,
    };
    const key = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const deadline = Date.now() + this.config.timeout;
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ModelError('timeout', `no answer from the model within ${this.config.timeout} ms`);
      this.takeBudget(Date.now());
      const res = await this.send(body, left);
      if (res.status >= 200 && res.status < 300) {
        const text = this.read(res);
        this.remember(key, text);
        return text;
      }
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable) throw new ModelError('http', `the model endpoint answered HTTP ${res.status}`);
      if (attempt >= this.config.retries)
        throw new ModelError(
          res.status === 429 ? 'rate-limited' : 'http',
          `the model endpoint answered HTTP ${res.status} after ${attempt + 1} tries`,
        );
      const wait = retryAfterMs(res.headers['retry-after']) ?? Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
      if (wait >= deadline - Date.now())
        throw new ModelError(
          res.status === 429 ? 'rate-limited' : 'timeout',
          `the model asked to wait ${wait} ms, past the ${this.config.timeout} ms timeout`,
        );
      await this.sleep(wait);
    }
  }

  private async send(body: unknown, timeoutMs: number): Promise<HttpResponse> {
    try {
      return await this.http.send({
        method: 'POST',
        url: endpointUrl(this.config.baseUrl),
        headers: this.headers(),
        json: body,
        timeoutMs,
      });
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      if (name === 'OutboundRefusedError') throw new ModelError('refused', (err as Error).message);
      throw new ModelError('timeout', `the model endpoint did not answer (${name || 'network error'})`);
    }
  }

  private read(res: HttpResponse): string {
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new ModelError('unreadable', 'the model endpoint answered something that is not JSON');
    }
    const parsed = Completion.safeParse(json);
    const content = parsed.success ? parsed.data.choices[0]?.message.content : null;
    if (!content || !content.trim()) throw new ModelError('unreadable', 'the model endpoint answered without a message');
    return content.trim();
  }
}
