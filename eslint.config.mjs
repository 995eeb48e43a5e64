// Flat config: typescript-eslint over the TypeScript sources, and the layers of the architecture:
//   core ← cli            core ← extension/platform ← extension/{webhooks,events,handler} ← extension.ts
//   core (types only) ← webview
// No arrow runs upward: the core never imports the CLI, the shell or the webview; platform never
// imports a feature; one feature never imports another (they share only platform/ and core/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'src/core, src/cli and src/webview must not import vscode: put VS Code code under src/extension.' };
const layer = (group, message) => ({ group, message });
const FEATURES = ['webhooks', 'events', 'handler'];

/** The shell's features: each may use platform/ and core/, never another feature. */
const featureRules = FEATURES.map((feature) => ({
  files: [`src/extension/${feature}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          layer(
            FEATURES.filter((f) => f !== feature)
              .map((f) => `**/extension/${f}/**`)
              .concat(FEATURES.filter((f) => f !== feature).flatMap((f) => [`../${f}/**`, `../../${f}/**`, `../../../${f}/**`])),
            `src/extension/${feature} must not import another feature: share it through platform/ or core/.`,
          ),
          layer(['**/cli/**'], 'The shell must not import the CLI.'),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.cache/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // The core is shared by the extension and the CLI: no VS Code, no front end.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [layer(['**/extension/**', '**/cli/**', '**/webview/**'], 'The core must not depend on the CLI, the VS Code shell or the webview.')],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [layer(['**/extension/**', '**/webview/**'], 'The CLI uses the core only.')],
        },
      ],
    },
  },
  {
    // The webview page runs in the browser: it may share the core's types, never its code.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            layer(['**/extension/**', '**/cli/**'], 'The webview page must not import the shell or the CLI.'),
            { group: ['**/core/**'], allowTypeImports: true, message: 'The webview may import only types from the core (import type).' },
          ],
        },
      ],
    },
  },
  {
    // platform/ is the shell's foundation: it never reaches up into a feature.
    files: ['src/extension/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layer(
              FEATURES.flatMap((f) => [`**/extension/${f}/**`, `../${f}/**`]),
              'platform/ must not import a feature folder.',
            ),
            layer(['**/cli/**'], 'The shell must not import the CLI.'),
          ],
        },
      ],
    },
  },
  ...featureRules,
  {
    // Every command id, view id, context key and setting section is declared once, in platform/ids.ts.
    files: ['src/extension/**/*.ts'],
    ignores: ['src/extension/platform/ids.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Literal[value=/^geminiWebhooks(\\.|$)/]', message: 'Declare ids once in src/extension/platform/ids.ts and import them.' },
        { selector: 'TemplateElement[value.raw=/^geminiWebhooks\\./]', message: 'Declare ids once in src/extension/platform/ids.ts and import them.' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
);
