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

/**
 * Left out of a bundle: modules the bundled code only reaches through a dynamic `import()` on
 * a path this project never takes. The SDK's HTTP protocols load their event-stream support
 * lazily (`await import("@smithy/core/event-streams")` in
 * HttpProtocol.loadEventStreamCapability), only for operations that stream events; none of
 * the operations the hub calls does. Bundled, that one lazy import weighs about 20 kB in
 * every function using the SDK.
 */
export const neverLoadedModules = ['@smithy/core/event-streams'];

/**
 * Entries whose bundle imports those modules statically, so they stay in: the S3 client
 * wires event-stream support into every S3Client (for SelectObjectContent).
 * tests/infra/bundle-externals.test.ts fails for an entry missing here.
 */
export const entriesLoadingEventStreams = [
  'functions/pictures/index.ts',
  'workflows/tasks/index.ts',
];

const repositoryRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The modules left out of one entry's bundle (entry absolute, or relative to the repository). */
export function externalModulesOf(entry: string): string[] {
  const relative = path.relative(repositoryRoot, path.resolve(repositoryRoot, entry));
  return entriesLoadingEventStreams.includes(relative.split(path.sep).join('/'))
    ? []
    : [...neverLoadedModules];
}

/** The CDK NodejsFunction bundling options (esbuild runs locally; Docker is never used). */
export const nodejsFunctionBundling = {
  format: OutputFormat.ESM,
  target: 'node24',
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

/** The bundling options of one entry (relative to the repository root). */
export const nodejsFunctionBundlingFor = (entry: string): BundlingOptions => ({
  ...nodejsFunctionBundling,
  mainFields: [...nodejsFunctionBundling.mainFields],
  externalModules: externalModulesOf(entry),
});

/** The file CDK writes for ESM output (it names the handler `index.handler`). */
export const bundledFileName = 'index.mjs';

/**
 * Plain esbuild options equivalent to what CDK runs for `nodejsFunctionBundlingFor(entry)`
 * (`esbuild --bundle <entry> --target=node24 --platform=node --format=esm --minify
 * --sourcemap --external:... --main-fields=module,main --banner:js=...`). `entry` is relative
 * to the repository root. Pass `outfile` to write, or leave it out and set
 * `outfile`/`outdir`/`write` yourself.
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
    external: externalModulesOf(entry),
    alias: bundleAliases,
    logLevel: 'warning',
    ...(outfile ? { outfile } : {}),
  };
}
