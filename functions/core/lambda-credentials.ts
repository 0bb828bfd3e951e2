/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias,
 * infra/bundling.ts). Lambda always puts the function role's credentials in the
 * environment, so the default chain's other providers (SSO, ini files, web identity, the
 * metadata service) and the STS/SSO clients they carry are dead weight: about 130 kB of
 * every bundle and its cold import. Never imported directly; locally the real chain runs.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
