import { connectors } from '../connectors/registry.js';
import { configFromObjectWith, loadConfigWith, type Config } from '../config/load.js';

/**
 * The config as the app reads it: config/load.ts checks each source's options against the
 * connectors registered here, without importing them itself (it sits below them).
 */
export function loadConfig(file: string, env: Record<string, string | undefined>): Config {
  return loadConfigWith(connectors, file, env);
}

/** Validates an already-parsed config object (the YAML file's content, or one built in code). */
export function configFromObject(input: unknown, env: Record<string, string | undefined>, file: string): Config {
  return configFromObjectWith(connectors, input, env, file);
}
