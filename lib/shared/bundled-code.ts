import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

/** The project's root: the folder of package.json, where esbuild resolves the handlers' imports. */
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** What to bundle, and how. */
export interface BundledCodeProps {
  /** The handler's source file, `lambda/<folder>/handler.ts`. */
  readonly entry: string;
  /** esbuild's target, the runtime's Node.js: `node24`. */
  readonly target: string;
  /** Imports left to the runtime (`@aws-sdk/*`: the SDK the Lambda runtime provides); none is `[]`. */
  readonly externalModules: readonly string[];
}

/**
 * esbuild's API as a local bundler. Its fields are data on purpose: AssetStaging caches bundled
 * assets by the JSON of their bundling options, in which a function is nothing, so a bundler of
 * closures alone would give every function the first function's bundle.
 */
class EsbuildBundler implements ILocalBundling {
  readonly entry: string;
  readonly target: string;
  readonly external: readonly string[];

  constructor(props: BundledCodeProps) {
    this.entry = path.relative(PROJECT_ROOT, props.entry);
    this.target = props.target;
    this.external = [...props.externalModules];
  }

  tryBundle(outputDir: string): boolean {
    buildSync({
      entryPoints: [this.entry],
      absWorkingDir: PROJECT_ROOT,
      outfile: path.join(outputDir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: this.target,
      minify: true,
      sourcemap: true,
      external: [...this.external],
      logLevel: 'warning',
    });
    return true;
  }
}

/**
 * A Lambda function's code, bundled into `index.js` (minified, CommonJS, with a source map beside
 * it) by esbuild's API in this process: what `NodejsFunction` does with the same options, but
 * without starting `npx --no-install esbuild` for every function, which cost about 0.45 s each on a
 * two-core machine (npm's own start-up; esbuild takes milliseconds). The asset is hashed by its
 * output, as `NodejsFunction`'s is, so the same bundle gives the same asset and template.
 *
 * There is no Docker fallback: esbuild is a development dependency, so local bundling always runs,
 * and an esbuild error stops the synth with esbuild's message. The image is never pulled
 * (`NodejsFunction` names the same placeholder when it bundles locally). A synth that skips
 * bundling (`aws:cdk:bundling-stacks`) skips this too, but still refuses an entry that does not exist.
 * @throws Error naming the entry when it does not exist
 */
export function bundledCode(props: BundledCodeProps): lambda.Code {
  // Checked here, not only when bundling runs: a synth that skips bundling must still refuse it.
  if (!fs.existsSync(props.entry)) {
    throw new Error(`cannot bundle ${props.entry}: no such file (a function's code is lambda/<folder>/handler.ts)`);
  }
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: { image: DockerImage.fromRegistry('dummy'), local: new EsbuildBundler(props) },
  });
}
