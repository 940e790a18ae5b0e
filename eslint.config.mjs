// ESLint flat config: typescript-eslint's recommended rules over all TypeScript sources.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'server/src/data/schemaData.generated.ts', 'test/fixtures/**', 'bench/out/**', '.vscode-test/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // The layers (issue 16): the language service knows no transport, the server no editor, the
  // client of the server only the protocol module.
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/server.ts', 'server/src/lsp/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(vscode|vscode-languageserver|vscode-jsonrpc)(/.*)?$',
          message: 'Only server.ts and lsp/ speak LSP; the language service uses vscode-languageserver-types and stays transport-free.',
        }],
      }],
    },
  },
  {
    files: ['server/src/server.ts', 'server/src/lsp/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^vscode(/.*)?$', message: 'The extension API exists only in the extension host (client/).' }],
      }],
    },
  },
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '(^|/)server/src/(?!protocol$)',
          message: 'The client imports of the server only server/src/protocol.ts; ask the server with a request declared there.',
        }],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', global: 'readonly' } },
  },
);
