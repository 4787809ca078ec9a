// `npm run farm -- credential <name>`: prints a new farm credential for a render node or prenode
// (only its hash is stored). Also `revoke <name>` and `list`. Uses the server configuration
// (config/server.json, or the file named by RFAM_CONFIG); the running server picks changes up.
import { loadConfig } from '../config/load-config.ts'
import { ConfigError } from '../config/read-json-file.ts'
import { FarmCredentialStore } from './credentials.ts'

const usage = `Usage:
  npm run farm -- credential <name>   print a new farm credential called <name>
  npm run farm -- revoke <name>       remove every credential called <name>
  npm run farm -- list                list credential names`

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
    default:
      console.error(`Unknown command "${command}".\n${usage}`)
      return 2
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(err instanceof ConfigError ? `Cannot read the configuration: ${err.message}` : (err as Error).message)
  process.exitCode = 1
})
