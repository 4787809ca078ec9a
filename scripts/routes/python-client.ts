// blender-addon/rfam/api.py: the Blender add-on's client of the route contract, plain Python (stdlib
// only, any Blender). Each function returns a Call (method, path with every parameter escaped, body,
// and the schemas client.py checks the body and the reply with); session.call() sends it. Routes of
// the farm protocol, event streams and uploads are left out: the add-on is neither a node nor a
// browser, and sends no pictures.
import { allRoutes, pathParams, type ContractRoute, type RouteArea } from '../../schemas/route-contract.ts'
import { banner } from './server-table.ts'

const snake = (id: string) => id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const arg = (p: string) => (p === '*' ? 'path' : p === 'id' ? 'job_id' : snake(p))

/** 'x.schema.json#' as the add-on names schemas ('x.schema.json'); a $defs entry has no file of its own. */
function schemaFile (ref: string | undefined): string | undefined {
  const [file, pointer] = (ref ?? '').split('#')
  return file && !pointer ? file : undefined
}

/** Wraps a docstring's words within flake8's 120 columns, room left for the quotes. */
function wrap (text: string, indent: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + word.length + 1 > 113) { lines.push(line); line = word } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines.map((l) => indent + l)
}

function pyFunction (route: ContractRoute): string | undefined {
  const reply = route.reply
  const media = reply?.media ?? 'json'
  if (route.access === 'farm' || media === 'events' || route.upload) return undefined
  const params = pathParams(route.path)
  const query = reply?.jsonWhen ? [] : Object.keys(route.query?.properties ?? {})
  const args = [...params.map(arg), ...(route.body ? ['body'] : []), ...query.map((q) => `${snake(q)}=None`)]
  const path = route.path.split('/').map((part) => (part === '*' || part.startsWith(':') ? '%s' : part)).join('/')
  const values = params.map((p) => (p === '*' ? `_rest(${arg(p)})` : `_seg(${arg(p)})`))
  let pathExpr = values.length > 0 ? `"${path}" % (${values.join(', ')}${values.length === 1 ? ',' : ''})` : `"${path}"`
  if (reply?.jsonWhen) pathExpr += ` + "?${Object.entries(reply.jsonWhen).map(([k, v]) => `${k}=${v}`).join('&')}"`
  else if (query.length > 0) pathExpr += ` + _query(${query.map((q) => `("${q}", ${snake(q)})`).join(', ')})`
  const options = [
    ...(route.body ? ['body=body', `body_schema="${schemaFile(route.body.$ref)}"`] : []),
    ...(schemaFile(reply?.schema?.$ref) && (media === 'json' || reply?.jsonWhen) ? [`reply_schema="${schemaFile(reply!.schema!.$ref)}"`] : []),
    ...(media === 'image' || media === 'file' || (media === 'text' && !reply?.jsonWhen) ? ['raw=True'] : []),
  ]
  const doc = wrap(`${route.summary} ${route.method} ${route.path}`, '    ')
  doc[0] = `    """${doc[0]!.trimStart()}`
  doc[doc.length - 1] += '"""'
  const call = `Call("${route.method}", ${pathExpr}${options.map((o) => `, ${o}`).join('')})`
  // A path with a query too long for one line: the query on a line of its own.
  const first = `    return Call("${route.method}", ${pathExpr},`
  const opening = first.length <= 120 || !pathExpr.includes(' + _query(') ? [first] : [`${first.slice(0, first.indexOf(' + _query('))}`, `                ${first.slice(first.indexOf(' + _query(') + 1)}`]
  const body = `    return ${call}`.length <= 120 ? [`    return ${call}`] : [...opening, ...options.map((o, i) => `                ${o}${i === options.length - 1 ? ')' : ','}`)]
  if (options.length === 0 && body.length > 1) body.splice(0, body.length, `    return Call("${route.method}",`, `                ${pathExpr})`)
  return [`def ${snake(route.id)}(${args.join(', ')}):`, ...doc, ...body].join('\n')
}

export function pythonClient (areas: RouteArea[]): string {
  const functions = allRoutes(areas).flatMap((r) => pyFunction(r) ?? [])
  return [
    '# Layer 1 (base): the server\'s routes as requests, generated from the route contract (schemas/routes).',
    ...wrap(banner(''), '').map((l, i) => (i === 0 ? `"""${l}` : l)),
    '',
    'Each function names one route of the RFAM server and returns a Call: the method, the path with every',
    'parameter escaped, the JSON body, and the schemas client.request() checks the body and the reply with.',
    'session.call(api.get_asset(project, path), on_done) sends it with the preferences\' server and token.',
    '"""',
    '',
    'import urllib.parse',
    '',
    '',
    'class Call:',
    '    """One request: method, path, JSON body, the schemas to check the body and the reply with, and',
    '    raw (the reply is bytes: a picture or a text file)."""',
    '',
    '    __slots__ = ("method", "path", "body", "body_schema", "reply_schema", "raw")',
    '',
    '    def __init__(self, method, path, body=None, body_schema=None, reply_schema=None, raw=False):',
    '        self.method, self.path, self.body = method, path, body',
    '        self.body_schema, self.reply_schema, self.raw = body_schema, reply_schema, raw',
    '',
    '    def __repr__(self):',
    '        return "Call(%s %s)" % (self.method, self.path)',
    '',
    '',
    'def _seg(value):',
    '    """One path segment, escaped (a \'/\' in it too)."""',
    '    return urllib.parse.quote(str(value), safe="")',
    '',
    '',
    'def _rest(path):',
    '    """An asset\'s path inside the project (\'props/cake.blend\'), each segment escaped."""',
    '    return "/".join(_seg(part) for part in path.split("/"))',
    '',
    '',
    'def _query(*pairs):',
    '    given = [(k, v) for k, v in pairs if v is not None]',
    '    return "?" + urllib.parse.urlencode(given) if given else ""',
    '',
    '',
    functions.join('\n\n\n'),
    '',
  ].join('\n')
}
