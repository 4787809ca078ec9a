// Bundles the server (server/main.ts and every package it uses, except sharp's native code) into one
// file, dist/server.mjs, that plain `node` runs: no TypeScript compiling and no module resolution at
// every start (with 10,000 assets that was a third of the start-up time). `npm start` runs it;
// `npx tsx server/main.ts` still runs the sources directly for development.
// Usage: node scripts/build-server.mjs
import { build } from 'esbuild'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const defaultOutFile = join(root, 'dist', 'server.mjs')

/**
 * Code that finds its files next to itself (import.meta.dirname: config/, schemas/, web/dist …) must
 * still find them from dist/: each source file's import.meta.dirname becomes its own folder, computed
 * at run time from where the bundle is, so the repository can still be moved as a whole.
 * @param {string} outFile
 * @returns {import('esbuild').Plugin}
 */
function keepSourceFolders (outFile) {
  return {
    name: 'keep-source-folders',
    setup (b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        let text = readFileSync(args.path, 'utf8')
        if (text.includes('import.meta.')) {
          const folder = relative(dirname(outFile), dirname(args.path)).split(sep).join('/')
          const file = `${folder}/${args.path.slice(dirname(args.path).length + 1)}`
          text = text
            .replaceAll('import.meta.dirname', `__rfamSourcePath(${JSON.stringify(folder)})`)
            .replaceAll('import.meta.filename', `__rfamSourcePath(${JSON.stringify(file)})`)
            .replaceAll('import.meta.url', `__rfamSourceUrl(${JSON.stringify(file)})`)
        }
        return { contents: text, loader: 'ts' }
      })
    },
  }
}

// Bundled CommonJS packages call require() for Node's own modules; an ES module has none of its own.
const banner = [
  "import { createRequire as __rfamCreateRequire } from 'node:module'",
  "import { fileURLToPath as __rfamFileURLToPath } from 'node:url'",
  'const require = __rfamCreateRequire(import.meta.url)',
  'const __rfamSourceUrl = (rel) => new URL(rel, import.meta.url).href',
  'const __rfamSourcePath = (rel) => __rfamFileURLToPath(__rfamSourceUrl(rel))',
].join(';\n')

/**
 * Builds the server bundle (and its source map) into outFile; the files are replaced whole, so a
 * server starting meanwhile never reads half a bundle.
 * @param {{ outFile?: string }} [options]
 * @returns {Promise<{ outFile: string, ms: number }>}
 */
export async function buildServerBundle ({ outFile = defaultOutFile } = {}) {
  const started = performance.now()
  const result = await build({
    entryPoints: [join(root, 'server', 'main.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // sharp loads a native library for the running platform; it stays in node_modules.
    external: ['sharp'],
    sourcemap: true,
    legalComments: 'linked',
    banner: { js: banner },
    plugins: [keepSourceFolders(outFile)],
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
    write: false,
  })
  mkdirSync(dirname(outFile), { recursive: true })
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`
    writeFileSync(temp, file.contents)
    renameSync(temp, file.path)
  }
  return { outFile, ms: Math.round(performance.now() - started) }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outFile, ms } = await buildServerBundle()
  console.log(`${relative(process.cwd(), outFile) || outFile} built in ${ms} ms`)
}
