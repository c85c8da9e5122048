// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The lifecycle's stages, one folder each under lib/. */
const STAGES = ['lake', 'ingestion', 'etl', 'training', 'serving', 'observability'];
/** Tools over the whole app, which may import every stage; no stage or foundation code may import them. */
const TOOLS = ['app', 'diagram', 'preflight', 'local'];

export default tseslint.config(
  { ignores: ['node_modules/', '.venv/', 'cdk.out/', 'coverage/', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/prefer-nullish-coalescing': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/^arn:aws:/]',
          message: 'Build ARNs from tokens (Aws.PARTITION, Stack.of(this).formatArn), never an arn:aws: literal.',
        },
      ],
    },
  },
  {
    // Tests walk synthesized templates, which are untyped JSON by nature.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  // Dependencies point one way: bin → lib/<stage> → lib/{shared, contracts, config, schema}, and
  // lambda → lib/{contracts, schema}. A stage never imports another stage (what two stages share is
  // a contract or a shared building block), and the foundation imports no stage.
  ...STAGES.map((stage) => ({
    files: [`lib/${stage}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...STAGES.filter((other) => other !== stage).flatMap((other) => [`../${other}`, `../${other}/*`]),
                ...TOOLS.flatMap((tool) => [`../${tool}`, `../${tool}/*`]),
                '../../lib/*',
                '../../bin/*',
                '../../lambda/*',
                '../../test/*',
              ],
              message: `lib/${stage}/ may import only lib/{shared, contracts, config, schema}: move what two stages share to lib/shared/ or lib/contracts/.`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['lib/{shared,contracts,schema,permissions}/**/*.ts', 'lib/config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                ...[...STAGES, ...TOOLS].flatMap((dir) => [`../${dir}`, `../${dir}/*`, `../../${dir}/*`, `./${dir}/*`]),
                '../../lib/*',
                '**/bin/*',
                '**/lambda/*',
                '**/test/*',
              ],
              message:
                'The foundation (lib/shared, contracts, schema, config, permissions) imports no stage, tool, bin or lambda code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lambda/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../lib/*', '!../../lib/contracts', '!../../lib/schema', '**/bin/*', '**/test/*'],
              message: 'A function imports only lambda/ and lib/{contracts, schema}: it must not bundle the CDK app.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only bin/ reads the environment and CDK context (STYLE.md, "Configuration enters at the top").
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Constructs take configuration as props; only bin/ reads the environment.',
        },
        { property: 'tryGetContext', message: 'Constructs take configuration as props; only bin/ reads context.' },
      ],
    },
  },
);
