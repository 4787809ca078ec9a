// A light YAML reader for checking the shipped Kubernetes manifests as text: block mappings and
// sequences, `|` block scalars, quoted and plain scalars, comments and `---` documents. Anything
// else (tabs, flow collections, anchors, bad indentation, a key twice) is an error naming the
// line, which is the point: the manifests must stay in this plain subset.
interface Line { n: number, indent: number, text: string }

export class YamlError extends Error {}

export function parseYamlDocuments (source: string): unknown[] {
  const docs: Line[][] = [[]]
  source.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new YamlError(`line ${i + 1}: a tab; YAML indents with spaces`)
    if (raw.trim() === '---') { docs.push([]); return }
    const text = raw.trim()
    if (text === '' || text.startsWith('#')) return
    docs[docs.length - 1]!.push({ n: i + 1, indent: raw.length - raw.trimStart().length, text })
  })
  return docs.filter((d) => d.length > 0).map((lines) => {
    const [value, next] = block(lines, 0, lines[0]!.indent)
    if (next < lines.length) throw new YamlError(`line ${lines[next]!.n}: unexpected indentation`)
    return value
  })
}

const isItem = (l: Line | undefined) => l !== undefined && (l.text === '-' || l.text.startsWith('- '))
const KEY = /^([A-Za-z0-9_./-]+|"[^"]*"):(?:\s+(.*))?$/

function block (lines: Line[], i: number, indent: number): [unknown, number] {
  return isItem(lines[i]) ? sequence(lines, i, indent) : mapping(lines, i, indent)
}

function mapping (lines: Line[], i: number, indent: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {}
  while (i < lines.length && lines[i]!.indent === indent && !isItem(lines[i])) {
    const line = lines[i]!
    const m = KEY.exec(line.text)
    if (!m) throw new YamlError(`line ${line.n}: expected "key: value", found "${line.text}"`)
    const key = m[1]!.replace(/^"|"$/g, '')
    if (key in out) throw new YamlError(`line ${line.n}: "${key}" appears twice`)
    const rest = m[2]
    const next = lines[i + 1]
    if (rest === undefined || rest === '') {
      if (next && (next.indent > indent || (next.indent === indent && isItem(next)))) {
        [out[key], i] = block(lines, i + 1, next.indent)
      } else {
        out[key] = null
        i++
      }
    } else if (rest === '|' || rest === '|-') {
      [out[key], i] = blockScalar(lines, i, indent, rest)
    } else {
      out[key] = scalar(rest, line.n)
      i++
    }
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new YamlError(`line ${lines[i]!.n}: unexpected indentation`)
  return [out, i]
}

function sequence (lines: Line[], i: number, indent: number): [unknown[], number] {
  const out: unknown[] = []
  while (i < lines.length && lines[i]!.indent === indent && isItem(lines[i])) {
    const line = lines[i]!
    const rest = line.text.slice(1).trimStart()
    if (rest === '') {
      const next = lines[i + 1]
      if (!next || next.indent <= indent) throw new YamlError(`line ${line.n}: an empty list item`)
      const [value, j] = block(lines, i + 1, next.indent)
      out.push(value)
      i = j
    } else if (rest === '|' || rest === '|-') {
      const [value, j] = blockScalar(lines, i, indent, rest)
      out.push(value)
      i = j
    } else if (KEY.test(rest)) {
      // "- key: value" starts a mapping indented by the dash and its space.
      const inner = indent + (line.text.length - rest.length)
      const copy = [...lines]
      copy[i] = { n: line.n, indent: inner, text: rest }
      const [value, j] = mapping(copy, i, inner)
      out.push(value)
      i = j
    } else {
      out.push(scalar(rest, line.n))
      i++
    }
  }
  return [out, i]
}

/** The lines after line i indented deeper than `indent`, as text (comment-looking lines inside are not kept). */
function blockScalar (lines: Line[], i: number, indent: number, style: string): [string, number] {
  let j = i + 1
  const body: Line[] = []
  while (j < lines.length && lines[j]!.indent > indent) body.push(lines[j++]!)
  if (body.length === 0) throw new YamlError(`line ${lines[i]!.n}: an empty block scalar`)
  const base = body[0]!.indent
  return [body.map((l) => ' '.repeat(l.indent - base) + l.text).join('\n') + (style === '|' ? '\n' : ''), j]
}

function scalar (text: string, n: number): unknown {
  if (/^[[{&*!]/.test(text)) throw new YamlError(`line ${n}: flow collections, anchors and tags are not used here: "${text}"`)
  if (/^[@`]/.test(text)) throw new YamlError(`line ${n}: a plain value cannot start with "${text[0]}" (a placeholder left in?)`)
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) throw new YamlError(`line ${n}: an unterminated string`)
    return JSON.parse(text) as string
  }
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) throw new YamlError(`line ${n}: an unterminated string`)
    return text.slice(1, -1).replace(/''/g, "'")
  }
  if (/^-?\d+$/.test(text)) return Number(text)
  if (text === 'true' || text === 'false') return text === 'true'
  if (text === 'null' || text === '~') return null
  if (/\s#/.test(text)) throw new YamlError(`line ${n}: a comment after a value; put it on its own line`)
  return text
}
