// The linter's few rules: those that catch real bugs here (a promise nobody awaits or catches
// loses its error, and in the core an unhandled rejection can stop the process), and of style
// only a line-length limit.
// Type-aware, through each folder's own tsconfig (projectService).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'out/**', 'release/**', 'test-results/**', '**/*.cjs', '**/*.js'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: process.cwd() },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      'no-async-promise-executor': 'error',
      'no-self-compare': 'error',
      'no-unsafe-finally': 'error',
      'no-fallthrough': 'error',
      'no-dupe-keys': 'error',
      'no-unreachable': 'error',
      // Lines past 160 characters are read with a scroll bar; long message strings stay whole so they can be grepped.
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
);
