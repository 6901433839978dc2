import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'src/protocol/aclk/aclk_pb.ts',
      'dist/**',
      'node_modules/**',
      'muster-data/**',
      'bin/**',
      'scripts/**',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // A field given a value or checked state without a handler is put back to it by every re-render (the app
    // re-renders every few seconds), so what the user typed is lost before the form is sent: forms read on submit
    // take defaultValue / defaultChecked, and an option to preselect takes selected.
    files: ['web/src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "JSXOpeningElement[name.name=/^(input|textarea|select)$/]:has(JSXAttribute[name.name='value']):not(:has(JSXAttribute[name.name='type'][value.value=/^(checkbox|radio)$/])):not(:has(JSXAttribute[name.name=/^on(Input|Change)$/]))",
          message: 'A value without onInput or onChange is reset on every render: use defaultValue.',
        },
        {
          selector:
            "JSXOpeningElement[name.name='input']:has(JSXAttribute[name.name='checked']):not(:has(JSXAttribute[name.name=/^on(Input|Change|Click)$/]))",
          message: 'checked without onChange is reset on every render: use defaultChecked.',
        },
      ],
    },
  },
);
