import tseslint from 'typescript-eslint';

// Importing a provider package's root loads every resource class of that provider:
// ~11 s and 1.4 GB for the four big ones, against 0.3 s and 73 MB for submodules.
const providerRootImport = {
  regex: '^@cdktf/provider-[^/]+$',
  message: 'Import provider classes from their submodule, e.g. @cdktf/provider-aws/lib/vpc (the package root loads every resource of the provider).',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-jsii/**', 'cdktf.out/**', '**/cdktf.out/**', '**/*.d.ts', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [providerRootImport] }],
      '@typescript-eslint/no-restricted-imports': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The drift check reads states of any size: a spread argument passes every element as an
    // argument of one call, which V8 refuses beyond a few hundred thousand (lib/drift/append.ts).
    files: ['lib/drift/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression > SpreadElement, NewExpression > SpreadElement',
        message: 'No spread arguments in lib/drift: a large array overflows the call stack. Use appendAll or maxOf (lib/drift/append.ts), or a loop.',
      }, {
        // map.set(key, [...(map.get(key) ?? []), item]) copies the list for every item: 40,000 rules on one security group took 14 s.
        selector: "CallExpression[callee.property.name='set'] > ArrayExpression > SpreadElement",
        message: 'No list copied into a map per item in lib/drift: that is quadratic. Use appendTo (lib/drift/append.ts).',
      }],
    },
  },
  {
    // Tests read synthesized Terraform JSON, which has no static type.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
  },
);
