// `npm run farm -- credential <name>`: prints a new farm credential for a render node or prenode
// (only its hash is stored). Also `revoke <name>`, `list`, and `forget-node <name>` /
// `forget-prenode <name>`, which free a name bound to the credential that first used it. Uses the
// server configuration (config/server.json, or the file named by RFAM_CONFIG); the running server
// picks changes up.
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfig } from '../config/load-config.ts'
import { ConfigError } from '../../common/read-json-file.ts'
import { FarmCredentialStore } from './credentials.ts'

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

const usage = `Usage:
  npm run farm -- credential <name>   print a new farm credential called <name>
  npm run farm -- revoke <name>       remove every credential called <name>
  npm run farm -- list                list credential names
  npm run farm -- forget-node <name>     free a render node's name for any credential
  npm run farm -- forget-prenode <name>  free a prenode's name for any credential`

async function main (args: string[]): Promise<number> {
  const [command, name] = args
  if (!command || (command !== 'list' && !name)) {
    console.error(usage)
    return 2
  }
  const config = loadConfig()
  const store = new FarmCredentialStore(config.secretsDir)
  switch (command) {
    case 'credential': {
      const secret = await store.create(name!)
      console.log(secret)
      console.error(`\nThis is the only time the credential is shown. Put it in the node's configuration:\n  "credential": "${secret}"\n(or save it in a file and write "credential": "file:<path>"). Revoke it with: npm run farm -- revoke ${name}`)
      return 0
    }
    case 'revoke': {
      const n = await store.revoke(name!)
      console.log(n ? `Revoked ${n} credential${n === 1 ? '' : 's'} called "${name}".` : `There is no credential called "${name}".`)
      return n ? 0 : 1
    }
    case 'list':
      for (const n of store.names()) console.log(n)
      return 0
    case 'forget-node':
      return await forget(join(config.farmDir, 'nodes'), name!, 'render node')
    case 'forget-prenode':
      return await forget(join(config.farmDir, 'prenodes'), name!, 'prenode')
    default:
      console.error(`Unknown command "${command}".\n${usage}`)
      return 2
  }
}

/** Removes a node's or prenode's record: its name no longer belongs to the credential that first used it. */
async function forget (dir: string, name: string, what: string): Promise<number> {
  if (!NODE_NAME.test(name)) {
    console.error(`"${name}" cannot name a ${what}: use letters, digits, '.', '_' or '-' (at most 64).`)
    return 2
  }
  try {
    await unlink(join(dir, `${name}.json`))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    console.log(`There is no ${what} called "${name}".`)
    return 1
  }
  console.log(`Forgot ${what} "${name}": the next ${what} to use that name, with any farm credential, gets it. Stop the old one first (or revoke its credential: npm run farm -- revoke <credential>), or it may keep the name.`)
  return 0
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(err instanceof ConfigError ? `Cannot read the configuration: ${err.message}` : (err as Error).message)
  process.exitCode = 1
})
