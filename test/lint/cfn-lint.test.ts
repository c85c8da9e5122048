import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, CloudFormationValidatePlugin, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { type ConfigContext } from '../../lib/config';
import { VENV_DIR } from '../../lib/local/python-env';
import { PRODUCTION_CONTEXT, buildApp } from '../support/app';
import { acknowledgedIds } from '../support/resources';

/*
 * cfn-lint, AWS's reference linter for CloudFormation (pinned in requirements.txt), over every
 * template of both stages and of the Model Monitor opt-in, beside the check aws-cdk-lib runs at
 * synth (CloudFormation Validate, an embedded engine with cfn-lint's rule ids and fewer rules).
 *
 * Errors fail. A warning passes only where it is acknowledged, on the resource it concerns, as
 * `CloudFormation-Validate::<rule id>` with a reason (docs/acknowledged-findings.md): the one
 * list of accepted template findings, which both linters are held to. An acknowledgement that
 * neither linter needs any more fails too, so the list cannot go stale.
 *
 * Informational findings are not asked for (cfn-lint's default). Its only one here, I1022
 * ("prefer Fn::Sub over Fn::Join"), is about how aws-cdk-lib renders every string with a token in
 * it, in hundreds of places; the synth-time check leaves its I-rules out the same way.
 *
 * Lambda bundling is skipped (as in every template test): it changes only asset hashes, which no
 * rule reads.
 */

const ROOT = path.join(__dirname, '..', '..');
const CFN_LINT = path.join(ROOT, VENV_DIR, 'bin', 'cfn-lint');
/** The namespace of template-linter rules in acknowledgements, as the synth-time check names it. */
const NAMESPACE = 'CloudFormation-Validate::';

const SCENARIOS: readonly (readonly [string, ConfigContext])[] = [
  ['sandbox', {}],
  ['production', PRODUCTION_CONTEXT],
  ['sandbox with Model Monitor', { config: { sandbox: { modelMonitor: { enabled: true } } } }],
];

/** One finding of a template linter, placed on the construct it concerns. */
interface Finding {
  readonly linter: 'cfn-lint' | 'CloudFormation Validate';
  readonly rule: string;
  readonly level: 'error' | 'warning' | 'informational';
  /** The construct path of the resource, or of the stack for a finding outside `Resources`. */
  readonly path: string;
  readonly message: string;
}

/** An acknowledgement of a template-linter rule, on a construct (and what it contains). */
interface Acknowledgement {
  readonly rule: string;
  readonly path: string;
}

const covers = (ack: Acknowledgement, finding: Finding): boolean =>
  ack.rule === finding.rule && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));

/** The warnings that no acknowledgement covers, as `<rule> at <path> (<linter>): <message>`. */
function unacknowledged(findings: readonly Finding[], acks: readonly Acknowledgement[]): string[] {
  return findings
    .filter((f) => f.level === 'warning' && !acks.some((ack) => covers(ack, f)))
    .map((f) => `${f.rule} at ${f.path} (${f.linter}): ${f.message}`);
}

/** The acknowledgements that cover no finding of either linter, as `<rule> on <path>`. */
function unneeded(findings: readonly Finding[], acks: readonly Acknowledgement[]): string[] {
  return acks.filter((ack) => !findings.some((f) => covers(ack, f))).map((ack) => `${ack.rule} on ${ack.path}`);
}

/** Every acknowledgement of a template-linter rule in the app. */
function templateAcknowledgements(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((c) =>
    acknowledgedIds(c)
      .filter((id) => id.startsWith(NAMESPACE))
      .map((id) => ({ rule: id.slice(NAMESPACE.length), path: c.node.path })),
  );
}

/** The construct path of each resource of each stack, by stack artifact id and logical ID. */
function constructsByLogicalId(app: App): Map<string, string> {
  const paths = new Map<string, string>();
  for (const element of app.node.findAll().filter((c: IConstruct): c is CfnElement => CfnElement.isCfnElement(c))) {
    const stack = Stack.of(element);
    paths.set(`${stack.artifactId}/${stack.resolve(element.logicalId) as string}`, element.node.path);
  }
  return paths;
}

interface SynthesizedStack {
  readonly scenario: string;
  readonly stack: Stack;
  /** The template as synthesized. */
  readonly template: string;
  /** The copy cfn-lint reads: the template, told its stage's region when the stage has one. */
  readonly lintedTemplate: string;
}

interface CfnLintMatch {
  readonly Rule: { readonly Id: string };
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Filename: string;
  readonly Location: { readonly Path: readonly (string | number)[] };
  readonly Message: string;
}

/** Where a finding is: its resource's construct path, or its stack's for a finding outside `Resources`. */
type Locate = (stack: SynthesizedStack, logicalId: string | undefined) => string;

/** Runs cfn-lint once over all the templates: it takes seconds to start. */
function cfnLint(stacks: readonly SynthesizedStack[], locate: Locate): { scenario: string; finding: Finding }[] {
  const result = spawnSync(CFN_LINT, ['--format', 'json', '--', ...stacks.map((s) => s.lintedTemplate)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // Its exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 means it could not run.
  if (result.error !== undefined || result.status === null || (result.status & 1) !== 0) {
    throw new Error(`cfn-lint did not run (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
  }
  return (JSON.parse(result.stdout) as CfnLintMatch[]).map((match) => {
    const stack = stacks.find((s) => s.lintedTemplate === path.resolve(match.Filename));
    if (stack === undefined) {
      throw new Error(`cfn-lint reported on a file it was not given: ${match.Filename}`);
    }
    const [section, logicalId] = match.Location.Path;
    const levels = { Error: 'error', Warning: 'warning', Informational: 'informational' } as const;
    return {
      scenario: stack.scenario,
      finding: {
        linter: 'cfn-lint',
        rule: match.Rule.Id,
        level: levels[match.Level],
        path: locate(stack, section === 'Resources' ? String(logicalId) : undefined),
        message: `${match.Location.Path.join('/')}: ${match.Message}`,
      },
    };
  });
}

/**
 * What the synth-time check finds in the templates, before acknowledgements are applied: the same
 * engine `cdk synth` runs, once over all the templates (starting it takes seconds).
 */
function synthTimeCheck(stacks: readonly SynthesizedStack[], locate: Locate): { scenario: string; finding: Finding }[] {
  const report = new CloudFormationValidatePlugin().validate({
    appConstruct: stacks[0]?.stack.node.root ?? new App(),
    templatePaths: stacks.map((s) => s.template),
    stackTemplates: stacks.map(({ stack, template }) => ({
      stackConstructPath: stack.node.path,
      templatePath: template,
      accountId: Token.isUnresolved(stack.account) ? undefined : stack.account,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
    })),
  });
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => {
      const stack = stacks.find((s) => s.template === r.templatePath);
      if (stack === undefined) {
        throw new Error(`the synth-time check reported on a file it was not given: ${r.templatePath}`);
      }
      const level =
        v.severity === 'error' || v.severity === 'fatal'
          ? 'error'
          : v.severity === 'warning'
            ? 'warning'
            : 'informational';
      return {
        scenario: stack.scenario,
        finding: {
          linter: 'CloudFormation Validate' as const,
          rule: v.ruleName,
          level,
          path: locate(stack, r.resourceLogicalId),
          message: v.description,
        },
      };
    }),
  );
}

describe('the template linters, over every synthesized template', () => {
  const findings = new Map<string, Finding[]>();
  const acknowledgements = new Map<string, Acknowledgement[]>();
  let scratch: string | undefined;

  beforeAll(() => {
    if (!fs.existsSync(CFN_LINT)) {
      throw new Error(
        `${path.relative(ROOT, CFN_LINT)} is missing: run \`npm run python\` to install the Python environment.`,
      );
    }
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
    const stacks: SynthesizedStack[] = [];
    const resources = new Map<string, string>();
    for (const [index, [scenario, context]] of SCENARIOS.entries()) {
      const { app } = buildApp(context);
      const assembly = app.synth();
      for (const stack of app.node.findAll().filter((c): c is Stack => Stack.isStack(c))) {
        const templatePath = assembly.getStackArtifact(stack.artifactId).templateFullPath;
        const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as { Metadata?: Record<string, unknown> };
        // Without a region cfn-lint checks us-east-1; a stage with a region is checked in it.
        if (!Token.isUnresolved(stack.region)) {
          template.Metadata = { ...template.Metadata, 'cfn-lint': { config: { regions: [stack.region] } } };
        }
        const lintedTemplate = path.join(scratch, `${index}-${stack.artifactId}.json`);
        fs.writeFileSync(lintedTemplate, JSON.stringify(template));
        stacks.push({ scenario, stack, template: templatePath, lintedTemplate });
      }
      for (const [key, constructPath] of constructsByLogicalId(app)) {
        resources.set(`${scenario}/${key}`, constructPath);
      }
      findings.set(scenario, []);
      acknowledgements.set(scenario, templateAcknowledgements(app));
    }
    const locate: Locate = ({ scenario, stack }, logicalId) =>
      (logicalId === undefined ? undefined : resources.get(`${scenario}/${stack.artifactId}/${logicalId}`)) ??
      stack.node.path;
    for (const { scenario, finding } of [...synthTimeCheck(stacks, locate), ...cfnLint(stacks, locate)]) {
      findings.get(scenario)?.push(finding);
    }
  }, 300_000);

  afterAll(() => {
    if (scratch !== undefined) {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  describe.each(SCENARIOS.map(([scenario]) => scenario))('%s', (scenario) => {
    const found = (): Finding[] => findings.get(scenario) ?? [];

    it('has no error', () => {
      expect(found().filter((f) => f.level === 'error')).toEqual([]);
    });

    it('has no warning that is not acknowledged on the resource it concerns', () => {
      expect(unacknowledged(found(), acknowledgements.get(scenario) ?? [])).toEqual([]);
    });

    it('has no acknowledgement of a template-linter rule that neither linter needs', () => {
      expect(unneeded(found(), acknowledgements.get(scenario) ?? [])).toEqual([]);
    });
  });

  it('has findings from cfn-lint in every scenario, so an empty result cannot pass as a clean one', () => {
    // A positive control on the run itself: the acknowledged W3005s are in every stage.
    for (const [scenario] of SCENARIOS) {
      expect({ scenario, cfnLint: (findings.get(scenario) ?? []).some((f) => f.linter === 'cfn-lint') }).toEqual({
        scenario,
        cfnLint: true,
      });
    }
  });
});

describe('acknowledgements of template findings', () => {
  const finding = (rule: string, findingPath: string): Finding => ({
    linter: 'cfn-lint',
    rule,
    level: 'warning',
    path: findingPath,
    message: 'm',
  });

  it('cover a finding of their rule on their construct and what it contains, and nothing else', () => {
    const acks = [{ rule: 'W3005', path: 'Training/Pipeline/EvaluateFunction/Function' }];
    expect(
      unacknowledged(
        [
          finding('W3005', 'Training/Pipeline/EvaluateFunction/Function/Resource'),
          finding('W3005', 'Training/Pipeline/EvaluateFunction/FunctionX/Resource'),
          finding('W3006', 'Training/Pipeline/EvaluateFunction/Function/Resource'),
        ],
        acks,
      ),
    ).toEqual([
      'W3005 at Training/Pipeline/EvaluateFunction/FunctionX/Resource (cfn-lint): m',
      'W3006 at Training/Pipeline/EvaluateFunction/Function/Resource (cfn-lint): m',
    ]);
  });

  it('are unneeded when no finding of their rule is on their construct', () => {
    const acks = [
      { rule: 'W3005', path: 'Serving/Deployer' },
      { rule: 'W1030', path: 'Serving' },
    ];
    expect(unneeded([finding('W3005', 'Serving/Deployer/Function/Resource')], acks)).toEqual(['W1030 on Serving']);
  });
});
