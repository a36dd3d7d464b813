import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.kafka/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The domain libraries stay pure: no framework, no I/O.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['libs/domain/**/*.ts', 'libs/matching/**/*.ts', 'libs/settlement/**/*.ts', 'libs/audit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'node:fs', 'node:net', '@policloud/event-store'] },
      ],
    },
  },
);
