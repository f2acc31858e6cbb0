import { afterAll, afterEach } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import type { RecordingServer } from '../fakes/recorder.js';

/**
 * Starts platform fakes for a connector test and closes them afterwards: call it once at the top of
 * the file (or of a describe) with the fake's start function, then `await startFake()` wherever a
 * test wants one. Each fake is a RecordingServer, so the test has its `url` and `requests`.
 * Per test by default (each test gets a fresh platform); `'file'` keeps them until the file ends,
 * for a fake that a `beforeAll` app is configured against.
 */
export function useFake<F extends RecordingServer, A extends unknown[]>(
  start: (...args: A) => Promise<F>,
  scope: 'test' | 'file' = 'test',
): (...args: A) => Promise<F> {
  const open: F[] = [];
  (scope === 'test' ? afterEach : afterAll)(async () => {
    await Promise.all(open.splice(0).map((fake) => fake.close()));
  });
  return async (...args: A) => {
    const fake = await start(...args);
    open.push(fake);
    return fake;
  };
}

/** One HTTP client for a connector test file (the app shares one too), closed when the file ends. */
export function useHttpClient(): HttpClient {
  const http = new HttpClient({ userAgent: 'earshot-test' });
  afterAll(() => http.close());
  return http;
}
