import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
} from 'aws-cdk-lib';

const PLUGIN_PACKAGE_JSON = require.resolve('@cdklabs/cdk-validator-cfnguard/package.json');

/** The directory of the AWS Control Tower proactive-control Guard rules shipped with the plugin. */
const CONTROL_TOWER_RULES = path.join(path.dirname(PLUGIN_PACKAGE_JSON), 'rules', 'control-tower', 'cfn-guard');

/** A resource type as a Guard rule names it, in single or double quotes. */
const RESOURCE_TYPE_IN_RULE = /["'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/g;

/** The control id at the start of a Control Tower rule's message: `[CT.S3.PR.9]: Require ...`. */
const CONTROL_ID_IN_MESSAGE = /^\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/;

/** The functions by which one stack reads another's output; CloudFormation resolves both at deploy time. */
const CROSS_STACK_REFERENCES = ['Fn::GetStackOutput', 'Fn::ImportValue'];

interface Template {
  readonly Resources?: Record<string, { readonly Type?: string }>;
}

/**
 * The AWS Control Tower proactive controls, as the Guard rules that `@cdklabs/cdk-validator-cfnguard`
 * ships with its cfn-guard binary, run over the synthesized templates as a synth-time validation
 * plugin: `cdk synth` fails on any control a resource breaks that is not acknowledged on that
 * resource with `Validations.of(resource).acknowledge({ id: 'ControlTower::CT.S3.PR.9', reason })`.
 *
 * It runs the package's own plugin, with three differences:
 *
 * - **Only the rules for the services used.** A rule runs when it evaluates a resource type that
 *   one of the templates has (a rule file names its types), so a new kind of resource brings its
 *   controls with it. The same findings as running all 237 rules, in a third of the time.
 * - **Cross-stack references read as the strings they become.** Control Tower evaluates a resource
 *   as a CloudFormation hook, on its properties with every intrinsic function resolved: a KMS key
 *   ARN that the Ingestion stack reads from the DataLake stack's outputs is a plain string there.
 *   Read locally, the same property is an `Fn::GetStackOutput` object, which no rule accepts as a
 *   key, so every resource encrypted with the lake's key would fail its encryption control. Guard
 *   therefore reads copies of the templates in which each `Fn::GetStackOutput` and
 *   `Fn::ImportValue` is replaced by a string naming the output (CloudFormation refuses to deploy
 *   a reference to an output that does not exist). Nothing else is resolved: a resource that
 *   names no key at all still fails.
 * - **In a worker thread.** cfn-guard takes about two seconds over this app's templates, on one
 *   core. `start` sets it going in a worker thread, which runs the package's plugin, and returns;
 *   `validate` waits for the findings. `addComplianceChecks` has the first check of a synth start
 *   it, so it runs on another core while the synth's thread runs the other checks.
 *
 * Findings are named by their control id (`CT.KINESIS.PR.1`), as the Control Tower documentation
 * names them, rather than by the Guard rule's name, and are errors: the package's plugin gives its
 * findings no severity, and the CDK lets such a report pass as soon as any one finding in it is
 * acknowledged.
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  public readonly name = 'ControlTower';
  /** The version of the package that ships the rules. */
  public readonly version = (JSON.parse(fs.readFileSync(PLUGIN_PACKAGE_JSON, 'utf8')) as { version: string }).version;

  /** The run that `start` began and `validate` has not yet collected. */
  private started?: GuardRun;

  /**
   * Starts cfn-guard over the templates in a worker thread and returns at once, so that the
   * synth's own thread can go on with the other checks while cfn-guard runs on another core;
   * `validate` then collects the findings. `addComplianceChecks` has CDK's CloudFormation
   * Validate, which runs first, call it. Optional: `validate` alone starts and collects a run.
   */
  public start(context: IPolicyValidationContextBeta1): void {
    this.started?.discard();
    this.started = new GuardRun(context.templatePaths);
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const run =
      this.started?.covers(context.templatePaths) === true ? this.started : new GuardRun(context.templatePaths);
    this.started = undefined;
    const report = run.collect();
    return {
      ...report,
      violations: report.violations.map((violation) => ({
        ...violation,
        ruleName: CONTROL_ID_IN_MESSAGE.exec(violation.description)?.[1] ?? violation.ruleName,
        // Needed, not decoration: once a finding is acknowledged, the CDK decides whether the
        // report still fails from its findings' severities, and one without would pass.
        severity: 'error',
        violatingResources: violation.violatingResources.map((resource) => ({
          ...resource,
          templatePath: run.originalOf(resource.templatePath),
        })),
      })),
    };
  }
}

/**
 * What the worker thread runs: the package's own plugin, as `validate` would in this thread, with
 * its report (plain data) posted back; then it flags that it is done, which the synth's thread
 * waits on with `Atomics.wait` (the thread is busy and cannot take an event). Plain JavaScript,
 * as a worker loads it without the TypeScript loader.
 */
const GUARD_WORKER = `
const { workerData } = require('node:worker_threads');
let message;
try {
  const { CfnGuardValidator } = require(workerData.plugin);
  message = { report: new CfnGuardValidator(workerData.props).validate({ templatePaths: workerData.templatePaths }) };
} catch (e) {
  message = { error: e instanceof Error ? e.message : String(e) };
}
workerData.port.postMessage(message);
Atomics.store(workerData.done, 0, 1);
Atomics.notify(workerData.done, 0);
`;

/**
 * How long `collect` waits for the worker: far more than cfn-guard takes (about 2 s here), so that
 * a worker that never reports (it could not start, say) fails the synth instead of hanging it.
 */
const GUARD_TIMEOUT_MS = 10 * 60_000;

/** One cfn-guard run over copies of the templates, in a worker thread. */
class GuardRun {
  private readonly workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
  /** Each copy's path, and the path of the template it copies (by which the CDK names the stack). */
  private readonly originals = new Map<string, string>();
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private readonly channel = new MessageChannel();
  private readonly worker: Worker;

  public constructor(private readonly templatePaths: readonly string[]) {
    const templates = templatePaths.map((templatePath, i) => {
      const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as Template;
      // The copy keeps the file name, by which the CDK maps a finding back to its construct.
      const copy = path.join(this.workDir, String(i), path.basename(templatePath));
      fs.mkdirSync(path.dirname(copy));
      fs.writeFileSync(copy, JSON.stringify(withCrossStackReferencesResolved(template)));
      this.originals.set(copy, templatePath);
      return template;
    });
    this.worker = new Worker(GUARD_WORKER, {
      eval: true,
      // The worker needs no TypeScript loader: it runs plain JavaScript.
      execArgv: [],
      workerData: {
        plugin: require.resolve('@cdklabs/cdk-validator-cfnguard'),
        props: {
          controlTowerRulesEnabled: false,
          rules: controlTowerRulesFor(resourceTypesIn(templates)),
          // cfn-guard's JSON report runs to megabytes for an app of this size.
          maxBuffer: 256 * 1024 * 1024,
        },
        templatePaths: [...this.originals.keys()],
        port: this.channel.port2,
        done: this.done,
      },
      transferList: [this.channel.port2],
    });
  }

  /** Whether this run checks exactly these templates. */
  public covers(templatePaths: readonly string[]): boolean {
    return (
      templatePaths.length === this.templatePaths.length && templatePaths.every((p, i) => p === this.templatePaths[i])
    );
  }

  /** The template a copy was made from. */
  public originalOf(templatePath: string): string {
    return this.originals.get(templatePath) ?? templatePath;
  }

  /** Waits for the run to end, and returns the package's report. */
  public collect(): PolicyValidationPluginReportBeta1 {
    try {
      if (Atomics.wait(this.done, 0, 0, GUARD_TIMEOUT_MS) === 'timed-out') {
        throw new Error(
          `the Control Tower checks (cfn-guard) did not finish within ${String(GUARD_TIMEOUT_MS / 60_000)} minutes`,
        );
      }
      const message = receiveMessageOnPort(this.channel.port1)?.message as
        | { report: PolicyValidationPluginReportBeta1; error?: undefined }
        | { error: string; report?: undefined }
        | undefined;
      if (message?.report === undefined) {
        throw new Error(`the Control Tower checks (cfn-guard) failed: ${message?.error ?? 'no report'}`);
      }
      return message.report;
    } finally {
      this.discard();
    }
  }

  /** Stops the worker, if it still runs, and removes the copies. */
  public discard(): void {
    void this.worker.terminate();
    this.channel.port1.close();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** Every resource type the templates declare. */
export function resourceTypesIn(templates: readonly Template[]): Set<string> {
  return new Set(
    templates.flatMap((t) => Object.values(t.Resources ?? {}).flatMap((r) => (r.Type === undefined ? [] : [r.Type]))),
  );
}

/**
 * The Control Tower rule files that evaluate at least one of `resourceTypes`, sorted. A rule file
 * whose types cannot be read from it is kept: running a rule that finds nothing costs little,
 * skipping one that applies would hide its findings.
 */
export function controlTowerRulesFor(resourceTypes: ReadonlySet<string>): string[] {
  return fs
    .readdirSync(CONTROL_TOWER_RULES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.guard'))
    .map((file) => path.join(CONTROL_TOWER_RULES, file))
    .filter((file) => {
      const types = [...fs.readFileSync(file, 'utf8').matchAll(RESOURCE_TYPE_IN_RULE)].flatMap((m) => m[1] ?? []);
      return types.length === 0 || types.some((type) => resourceTypes.has(type));
    })
    .sort();
}

/**
 * The template with each reference to another stack's output replaced by the string
 * `<resolved at deploy: STACK.OUTPUT>`, as a CloudFormation hook would see a resolved value.
 */
export function withCrossStackReferencesResolved<T>(template: T): T {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      return value.map(resolve);
    }
    if (value === null || typeof value !== 'object') {
      return value;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const [only] = entries;
    if (entries.length === 1 && only !== undefined && CROSS_STACK_REFERENCES.includes(only[0])) {
      return `<resolved at deploy: ${describeReference(only[1])}>`;
    }
    return Object.fromEntries(entries.map(([key, v]) => [key, resolve(v)]));
  };
  return resolve(template) as T;
}

/** `STACK.OUTPUT` of an `Fn::GetStackOutput`, or the export name of an `Fn::ImportValue`. */
function describeReference(argument: unknown): string {
  if (typeof argument === 'string') {
    return argument;
  }
  const { StackName, OutputName } = (argument ?? {}) as { StackName?: unknown; OutputName?: unknown };
  return typeof StackName === 'string' && typeof OutputName === 'string'
    ? `${StackName}.${OutputName}`
    : 'another stack';
}
