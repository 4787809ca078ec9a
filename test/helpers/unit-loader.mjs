// Loaded by `npm run test:unit` into every node process (NODE_OPTIONS): the tests' TypeScript is
// compiled by tsx (esbuild) instead of tap's ts-node, so each test file starts in a third of the
// time. tap's TypeScript plugin leaves TypeScript alone when TAP_TYPE_STRIP_ONLY is '1' as it loads.
// That run measures no coverage; `npm test` (tap's own TypeScript) does.
process.env.TAP_TYPE_STRIP_ONLY = '1'
await import('tsx')
