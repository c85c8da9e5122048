// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', '**/*.js', '**/*.mjs'] },
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
