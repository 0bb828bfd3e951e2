/**
 * How every Lambda is bundled: ONE definition, read both by the CDK function construct
 * (infra/hub-function.ts) and by anything that wants to bundle the same way with esbuild
 * directly (the benchmark, the bundling test).
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** ESM output can still meet CommonJS dependencies that call `require`: give them one. */
export const esmRequireBanner =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Lambda's credentials are always in the environment: the SDK's default provider chain is
 * replaced by the environment provider alone (see functions/core/lambda-credentials.ts).
 */
export const bundleAliases = {
  '@aws-sdk/credential-provider-node': path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    'functions',
    'core',
    'lambda-credentials.ts',
  ),
};

/** The CDK NodejsFunction bundling options (esbuild runs locally; Docker is never used). */
export const nodejsFunctionBundling = {
  format: OutputFormat.ESM,
  target: 'node22',
  bundleAwsSDK: true,
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  banner: esmRequireBanner,
  logLevel: LogLevel.WARNING,
  externalModules: [],
  esbuildArgs: Object.fromEntries(
    Object.entries(bundleAliases).map(([name, file]) => [`--alias:${name}`, file]),
  ),
} as const satisfies BundlingOptions;

/** The file CDK writes for ESM output (it names the handler `index.handler`). */
export const bundledFileName = 'index.mjs';

/**
 * Plain esbuild options equivalent to what CDK runs for `nodejsFunctionBundling`
 * (`esbuild --bundle <entry> --target=node22 --platform=node --format=esm --minify
 * --sourcemap --main-fields=module,main --banner:js=...`). Pass `outfile` to write, or
 * leave it out and set `outfile`/`outdir`/`write` yourself.
 */
export function esbuildOptions(entry: string, outfile?: string): BuildOptions {
  const b = nodejsFunctionBundling;
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node', // CDK always passes --platform=node
    target: b.target,
    format: b.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: true,
    mainFields: [...b.mainFields],
    banner: { js: b.banner },
    external: [...b.externalModules],
    alias: bundleAliases,
    logLevel: 'warning',
    ...(outfile ? { outfile } : {}),
  };
}
