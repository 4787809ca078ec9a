// How the render node and the prenode start and stop, the same for both: the configuration file
// comes after `--config`; the first SIGINT or SIGTERM asks the program to stop in its own way and a
// second ends it at once (exit status 130); main() resolves to the exit status, and an error it
// throws is logged as fatal and ends the program with status 1.

/** The file named after `--config`; undefined, with the usage printed, when there is none. */
export function configArgument (argv: string[], usage: string): string | undefined {
  const at = argv.indexOf('--config')
  const file = at >= 0 ? argv[at + 1] : undefined
  if (!file) console.error(usage)
  return file
}

/** Calls stop(signal) on the first SIGINT or SIGTERM; a second one exits at once. */
export function stopOnSignals (stop: (signal: 'SIGINT' | 'SIGTERM') => void): void {
  let signals = 0
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (++signals > 1) process.exit(130)
    stop(signal)
  }
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
}

/** Runs main on the command line's arguments and exits with the status it gives; `fatal` logs what it throws. */
export function runProgram (main: (argv: string[]) => Promise<number>, fatal: (err: unknown) => void): void {
  main(process.argv.slice(2)).then((code) => { process.exit(code) }, (err: unknown) => {
    fatal(err)
    process.exit(1)
  })
}
