/**
 * Where the API is, read at start from /config.json: written at deploy in AWS and by the
 * local console server, never baked into the build, so one build serves every environment.
 */
export interface ConsoleConfig {
  apiUrl: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = (await response.json()) as Partial<ConsoleConfig>;
  if (typeof config.apiUrl !== 'string' || !config.apiUrl)
    throw new Error('config.json has no apiUrl');
  return { apiUrl: config.apiUrl.replace(/\/+$/, '') };
}
