import { RecordingServer, type CannedResponse, type RecordedRequest } from './recorder.js';

/**
 * A Power Automate "Workflows" webhook: 202 Accepted with an empty body for a message envelope
 * carrying an Adaptive Card; 400 for anything else.
 */
export class FakeTeams extends RecordingServer {
  get url(): string {
    return `${this.base}/workflows/abc123/triggers/manual/paths/invoke?api-version=1&sig=fakesig`;
  }

  protected respond(request: RecordedRequest): CannedResponse {
    const body = request.body as { type?: string; attachments?: Array<{ contentType?: string }> } | undefined;
    if (
      request.method !== 'POST' ||
      body?.type !== 'message' ||
      body.attachments?.[0]?.contentType !== 'application/vnd.microsoft.card.adaptive'
    ) {
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: '{"error":{"code":"InvalidRequestContent","message":"bad envelope"}}',
      };
    }
    return { status: 202 };
  }
}
