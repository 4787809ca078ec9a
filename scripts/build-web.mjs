// Builds the web UI: esbuild bundles web/src/main.ts (Lit and every page) into web/dist/main.js (minified,
// with a source map), and the static files (index.html, the icon, global styles) are copied beside it.
// The server serves web/dist at '/'. Tests build into a temporary folder with buildWeb({ outDir }).
// Usage: node scripts/build-web.mjs [--watch]
import { build, context } from 'esbuild'
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const web = join(root, 'web')
export const defaultOutDir = join(web, 'dist')

/** @param {string} outDir @returns {import('esbuild').BuildOptions} */
function esbuildOptions (outDir) {
  return {
    entryPoints: [join(web, 'src', 'main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    tsconfig: join(web, 'tsconfig.json'),
    logLevel: 'warning',
  }
}

/** @param {string} outDir */
function copyStatic (outDir) {
  mkdirSync(join(outDir, 'styles'), { recursive: true })
  cpSync(join(web, 'index.html'), join(outDir, 'index.html'))
  cpSync(join(web, 'public'), outDir, { recursive: true })
  cpSync(join(web, 'src', 'styles', 'global.css'), join(outDir, 'styles', 'global.css'))
}

/**
 * Builds the web UI into outDir (emptied first).
 * @param {{ outDir?: string }} [options]
 * @returns {Promise<{ outDir: string, ms: number }>}
 */
export async function buildWeb ({ outDir = defaultOutDir } = {}) {
  const started = performance.now()
  rmSync(outDir, { recursive: true, force: true })
  copyStatic(outDir)
  await build(esbuildOptions(outDir))
  return { outDir, ms: Math.round(performance.now() - started) }
}

async function main () {
  if (process.argv.includes('--watch')) {
    rmSync(defaultOutDir, { recursive: true, force: true })
    copyStatic(defaultOutDir)
    const ctx = await context(esbuildOptions(defaultOutDir))
    await ctx.watch()
    console.log('watching web/src for changes (static files are copied at start only)')
  } else {
    const { ms } = await buildWeb()
    console.log(`web/dist built in ${ms} ms`)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
