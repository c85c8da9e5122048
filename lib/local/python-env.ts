/**
 * The project's Python environment: a virtual environment in `.venv/` with the pinned packages of
 * `requirements.txt` (local Spark at Glue 5.0's version, XGBoost 1.7, scikit-learn, pytest,
 * cfn-lint). `npm test` and `npm run local` make sure of it first.
 *
 * Making sure is idempotent and fast when nothing changed: a stamp in the environment records the
 * hash of `requirements.txt` and the interpreter's version, and only a difference reinstalls.
 * What cannot be installed from a registry (Python itself, a Java runtime for Spark) is checked,
 * and its absence stops with a message that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The oldest Python the project supports: Glue 5.0's (AWS Glue release notes). */
export const MIN_PYTHON: readonly [number, number] = [3, 11];
/**
 * The Java versions local Spark 3.5 runs on (Spark 3.5 documentation, "Downloading": Java 8, 11,
 * 17 and 21). Glue 5.0 runs Java 17, the version to install.
 */
export const SPARK_JAVA_VERSIONS: readonly number[] = [8, 11, 17, 21];

/** Where the environment lives, relative to the project root. */
export const VENV_DIR = '.venv';
const STAMP = '.ml-lifecycle-requirements';

/** A problem the user must fix outside the project: what is missing and what to install. */
export class PythonEnvError extends Error {
  override readonly name = 'PythonEnvError';
}

/** How to find the tools; the defaults are what a user's shell finds. */
export interface PythonEnvOptions {
  /** The project root (holds `requirements.txt`). */
  readonly root: string;
  /**
   * The interpreter that creates the environment.
   * @default 'python3'
   */
  readonly python?: string;
  /**
   * The Java launcher Spark starts.
   * @default 'java'
   */
  readonly java?: string;
  /**
   * Called with each step's description, for progress.
   * @default - silent
   */
  readonly log?: (message: string) => void;
}

/** The environment, ready to use. */
export interface PythonEnv {
  /** The environment's interpreter. */
  readonly python: string;
  /** The directory of its console scripts (`pytest`, `cfn-lint`). */
  readonly bin: string;
  /** Whether this call installed or reinstalled the packages. */
  readonly installed: boolean;
}

/** The version a `python --version` or `java -version` printed, as numbers. */
export function parseVersion(output: string, tool: 'python' | 'java'): number[] | undefined {
  const match =
    tool === 'python'
      ? /Python (\d+)\.(\d+)(?:\.(\d+))?/.exec(output)
      : /version "(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(output);
  if (match === null) {
    return undefined;
  }
  const numbers = match
    .slice(1)
    .filter((part) => part !== undefined)
    .map(Number);
  // Java 8 and older report "1.8.0_…": the feature version is the second number.
  return tool === 'java' && numbers[0] === 1 ? numbers.slice(1) : numbers;
}

/** What a command printed (stdout and stderr), or `undefined` when it could not be started. */
function run(command: string, args: readonly string[]): { status: number | null; output: string } | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error !== undefined) {
    return undefined;
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Checks the interpreter: present, and at least {@link MIN_PYTHON}. Returns its version line. */
export function checkPython(python: string): string {
  const want = `Python ${MIN_PYTHON.join('.')} or newer`;
  const result = run(python, ['--version']);
  if (result === undefined) {
    throw new PythonEnvError(
      `Python ("${python}") was not found. Install ${want} (python.org, or your system's package manager, with its venv module), or set PYTHON to its path.`,
    );
  }
  const version = parseVersion(result.output, 'python');
  const [major = 0, minor = 0] = version ?? [];
  if (version === undefined || major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new PythonEnvError(
      `"${python}" is ${result.output.trim() || 'of an unknown version'}; the project needs ${want} (Glue 5.0 runs 3.11). Install it, or set PYTHON to its path.`,
    );
  }
  return result.output.trim();
}

/** Checks the Java runtime local Spark needs. Returns its version line. */
export function checkJava(java: string): string {
  const want = 'a Java runtime, version 17 (Glue 5.0’s; Spark 3.5 also runs on 8, 11 and 21)';
  const result = run(java, ['-version']);
  if (result === undefined) {
    throw new PythonEnvError(
      `Java ("${java}") was not found: local Spark needs ${want}. Install one (for example OpenJDK 17: "apt install openjdk-17-jre-headless", "brew install openjdk@17"), or set JAVA to its path.`,
    );
  }
  const [feature] = parseVersion(result.output, 'java') ?? [];
  if (feature === undefined || !SPARK_JAVA_VERSIONS.includes(feature)) {
    throw new PythonEnvError(
      `"${java}" reports ${JSON.stringify(result.output.split('\n')[0]?.trim() ?? '')}; local Spark needs ${want}.`,
    );
  }
  return result.output.split('\n')[0]?.trim() ?? '';
}

/** The stamp that says which requirements an environment holds. */
export function requirementsStamp(requirements: string, pythonVersion: string): string {
  return createHash('sha256').update(pythonVersion).update('\0').update(requirements).digest('hex');
}

/**
 * Makes sure `.venv` holds exactly the pinned requirements, creating or reinstalling it when the
 * requirements or the interpreter changed. Throws {@link PythonEnvError} for what the user must
 * install; a failing `pip` is reported with its output.
 */
export function ensurePythonEnv(options: PythonEnvOptions): PythonEnv {
  const log = options.log ?? (() => undefined);
  const pythonVersion = checkPython(options.python ?? 'python3');
  checkJava(options.java ?? 'java');

  const venv = path.join(options.root, VENV_DIR);
  const bin = path.join(venv, 'bin');
  const python = path.join(bin, 'python');
  const requirementsFile = path.join(options.root, 'requirements.txt');
  const stamp = requirementsStamp(fs.readFileSync(requirementsFile, 'utf8'), pythonVersion);
  const stampFile = path.join(venv, STAMP);
  if (fs.existsSync(python) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === stamp) {
    return { python, bin, installed: false };
  }

  if (!fs.existsSync(python)) {
    log(`creating ${VENV_DIR}/ with ${pythonVersion}`);
    const created = run(options.python ?? 'python3', ['-m', 'venv', venv]);
    if (created?.status !== 0) {
      throw new PythonEnvError(
        `"${options.python ?? 'python3'} -m venv" failed: install Python's venv module (Debian and Ubuntu: "apt install python3-venv").\n${created?.output ?? ''}`,
      );
    }
  }
  log(`installing requirements.txt into ${VENV_DIR}/ (about 1 GB, once)`);
  fs.rmSync(stampFile, { force: true });
  const pip = spawnSync(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '-r', requirementsFile],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (pip.status !== 0) {
    throw new Error(`pip could not install requirements.txt:\n${pip.stdout}${pip.stderr}`);
  }
  fs.writeFileSync(stampFile, `${stamp}\n`);
  return { python, bin, installed: true };
}
