import { obeyingReply } from './llm-obey.js';
import { json, RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';

/**
 * An OpenAI-compatible chat-completions server (what Ollama, llama.cpp, vLLM and LM Studio
 * speak): POST /v1/chat/completions with { model, messages } answers { choices: [{ message }] }.
 * Canned errors (429 with Retry-After, 500, malformed JSON), slow answers (`delayMs`), and an
 * "obey" mode that does whatever the quoted post tells it to, so tests prove the guardrails hold the line.
 */
export interface ChatBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  [k: string]: unknown;
}

export class FakeLlm extends RecordingServer {
  mode: 'polite' | 'obey' = 'polite';
  reply = 'Hi there, I am sorry about this. I have passed it to the team.';

  /** The base URL a client is configured with (the API lives under /v1). */
  get url(): string {
    return `${this.base}/v1`;
  }

  rateLimitNext(retryAfterSeconds: number): void {
    this.next(
      json(429, '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}', {
        'retry-after': String(retryAfterSeconds),
      }),
    );
  }

  failNext(status = 500): void {
    this.next(json(status, '{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}'));
  }

  garbleNext(): void {
    this.next(json(200, '{"choices": ['));
  }

  /** A recorded request's body as a chat-completions request (empty when it was not JSON). */
  static chat(request: RecordedRequest): ChatBody {
    return typeof request.body === 'object' && request.body !== null ? (request.body as ChatBody) : {};
  }

  /** The post as the prompt quoted it, between its fences. */
  static quotedPost(body: ChatBody): string {
    const user = body.messages?.find((m) => m.role === 'user')?.content ?? '';
    const m = /<<<POST [0-9a-f]+>>>\n([^]*?)\n<<<END [0-9a-f]+>>>/.exec(user);
    return m?.[1] ?? '';
  }

  protected respond(request: RecordedRequest): CannedResponse {
    const body = FakeLlm.chat(request);
    if (request.path !== '/v1/chat/completions') return { status: 404, body: '{"error":{"message":"not found"}}' };
    if (!body.model || !Array.isArray(body.messages))
      return { status: 400, body: '{"error":{"message":"model and messages are required","type":"invalid_request_error"}}' };
    const content = this.mode === 'obey' ? obeyingReply(FakeLlm.quotedPost(body)) : this.reply;
    const completion = {
      id: `chatcmpl-${this.requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    };
    return json(200, completion);
  }
}
