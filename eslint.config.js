// ESLint for every TypeScript and JavaScript file: `npm run lint` (with flake8 for the Python), run by
// test/lint.test.ts in `npm test` and so in CI. Style and base rules are neostandard's (Fastify's own:
// no semicolons, two spaces, single quotes), with its TypeScript support; the web UI's Lit components
// also get eslint-plugin-lit (template and reactive-property mistakes), eslint-plugin-wc (custom
// element rules) and eslint-plugin-lit-a11y (accessibility in templates).
// `npx eslint --fix .` rewrites what can be fixed automatically.
// Generated code is linted too: scripts/gen-types.ts and scripts/gen-routes.ts write it in this style.
import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'
import lit from 'eslint-plugin-lit'
import wc from 'eslint-plugin-wc'
import litA11y from 'eslint-plugin-lit-a11y'

const webFiles = ['web/src/**/*.ts']

export default [
  { ignores: resolveIgnoresFromGitignore() },
  ...neostandard({ ts: true, filesTs: ['**/*.mts'], noJsx: true }),
  { ...lit.configs['flat/recommended'], files: webFiles },
  { ...wc.configs['flat/recommended'], files: webFiles },
  { ...litA11y.configs.recommended, files: webFiles },
  {
    name: 'rfam/rules',
    rules: {
      // `void promise()` as a statement says "started on purpose, not awaited" (the convention
      // typescript-eslint's no-floating-promises knows): timers, event handlers and background work
      // use it throughout. `void` inside an expression (`void 0`) is still refused.
      'no-void': ['error', { allowAsStatement: true }],
    },
  },
  {
    name: 'rfam/tests',
    files: ['test/**'],
    rules: {
      // Tests and benchmarks stop their load loops with a flag another async task sets
      // (`while (running) …` until the test flips `running`); the rule sees no change to the flag in
      // the loop and cannot know it. All its findings were such loops, none an endless one.
      'no-unmodified-loop-condition': 'off',
    },
  },
]
