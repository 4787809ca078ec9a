// ESLint for every TypeScript and JavaScript file: `npm run lint` (with flake8 for the Python), run by
// test/lint.test.ts in `npm test` and so in CI. Style and base rules are neostandard's (Fastify's own:
// no semicolons, two spaces, single quotes), with its TypeScript support; the web UI's Lit components
// also get eslint-plugin-lit (template and reactive-property mistakes), eslint-plugin-wc (custom
// element rules) and eslint-plugin-lit-a11y (accessibility in templates).
// `npx eslint --fix .` rewrites what can be fixed automatically.
import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'
import lit from 'eslint-plugin-lit'
import wc from 'eslint-plugin-wc'
import litA11y from 'eslint-plugin-lit-a11y'

/** Written by a program, not by people: `npm run gen` and json-schema-to-typescript write them. */
const generated = [
  'schemas/generated/types.ts', // json-schema-to-typescript's output: its style is not ours to choose
  'schemas/generated/routes.ts', // scripts/gen-routes.ts
  'web/src/api/urls.ts', // scripts/gen-routes.ts
  'web/src/api/routes.ts', // scripts/gen-routes.ts
]

const webFiles = ['web/src/**/*.ts']

export default [
  { ignores: [...resolveIgnoresFromGitignore(), ...generated] },
  ...neostandard({ ts: true, filesTs: ['**/*.mts'], noJsx: true }),
  { ...lit.configs['flat/recommended'], files: webFiles },
  { ...wc.configs['flat/recommended'], files: webFiles },
  { ...litA11y.configs.recommended, files: webFiles },
]
