// ESLint flat config. `npm run lint` runs it; `npm test` runs it after typecheck and check:imports.
// Formatting is prettier's job (`npm run format`): no stylistic rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-output/**', '.scratch/**', 'models/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      // A leading underscore marks a binding kept on purpose: a destructured field left out of a
      // copy, a callback parameter needed for the position of the next one.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
      // Every control character in our regexes is there on purpose: the sanitisers that strip
      // C0/C1 controls from posts, replies and audit text, and the NUL-separated n-gram keys.
      'no-control-regex': 'off',
      // Escapes (\u{1F3FB}) name single code points on purpose; a literal emoji with a modifier
      // inside a class would still be caught.
      'no-misleading-character-class': ['error', { allowEscape: true }],
    },
  },
  {
    files: ['src/api/public/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    ignores: ['src/api/public/**'],
    languageOptions: { globals: globals.node },
  },
);
