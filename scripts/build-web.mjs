// Builds the web UI: esbuild bundles web/src/main.ts (Lit and every page) into web/dist/main.js, and the
// static files (index.html, styles, icons) are copied beside it. The server serves web/dist at '/'.
// Usage: node scripts/build-web.mjs [--watch]
import { build, context } from 'esbuild'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const web = join(root, 'web')
const dist = join(web, 'dist')

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: [join(web, 'src', 'main.ts')],
  outfile: join(dist, 'main.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  tsconfig: join(web, 'tsconfig.json'),
  logLevel: 'warning',
}

function copyStatic () {
  cpSync(join(web, 'index.html'), join(dist, 'index.html'))
  cpSync(join(web, 'public'), dist, { recursive: true })
  cpSync(join(web, 'src', 'styles', 'global.css'), join(dist, 'styles', 'global.css'))
}

const started = performance.now()
rmSync(dist, { recursive: true, force: true })
mkdirSync(join(dist, 'styles'), { recursive: true })
copyStatic()
if (process.argv.includes('--watch')) {
  const ctx = await context(options)
  await ctx.watch()
  console.log('watching web/src for changes')
} else {
  await build(options)
  console.log(`web/dist built in ${Math.round(performance.now() - started)} ms`)
}
