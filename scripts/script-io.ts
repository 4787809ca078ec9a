// What a command-line script reads and writes, given to its main() so tests can run it in process:
// the real terminal when run with `npm run …`, strings in tests.
export interface ScriptIo {
  /** What is typed or piped in (a terminal when isTTY is set). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean, setRawMode?: (raw: boolean) => unknown }
  /** One line of output (stdout). */
  out: (line: string) => void
  /** One line of errors or prompts (stderr); `partial` writes it without ending the line. */
  err: (line: string, partial?: boolean) => void
}

export const processIo: ScriptIo = {
  stdin: process.stdin,
  out: (line) => { console.log(line) },
  err: (line, partial) => { if (partial) process.stderr.write(line); else console.error(line) },
}
