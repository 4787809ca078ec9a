# Layer 1 (base): ECMAScript patterns (Ajv's 'u' flag) translated to Python's re, for the schema validator.
"""JSON Schema's `pattern` is an ECMAScript regular expression: Ajv compiles it with the 'u' flag. This
module translates one into a Python re pattern with the same matches (for re.search), and refuses
what it cannot translate faithfully (PatternError), so schema_lite refuses the schema at load time.

Where the two differ: $ is the very end (Python's also matches before a final newline), . leaves out
\\r and the line separators, \\d and \\w are ASCII, \\s is ECMAScript's set of spaces, \\uXXXX pairs
are one code point, (?<name>...) is a named group.
"""

__all__ = ["PatternError", "translate_pattern", "JS_SPACE_CHARS"]


class PatternError(ValueError):
    """An ECMAScript pattern this module cannot translate faithfully (unsupported or malformed)."""


# \s in ECMAScript: these characters, not Python's idea of Unicode whitespace (as a class body, and
# as the characters themselves, for json_formats: date-time splits on them).
_JS_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
JS_SPACE_CHARS = ("\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                  "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": _JS_SPACE}
_CONTROL_ESCAPES = {"t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "v": "\\x0b"}
_SYNTAX = "^$\\.*+?()[]{}|/"
_HEX = "0123456789abcdefABCDEF"


def _code_point(cp):
    return "\\U%08x" % cp


def _unicode_escape(src, i):
    """Reads \\uXXXX, \\u{X..} or a surrogate pair of \\uXXXX at src[i] == '\\\\'; returns (cp, next)."""
    if src.startswith("\\u{", i):
        end = src.find("}", i)
        digits = src[i + 3:end] if end > 0 else ""
        if not digits or any(c not in _HEX for c in digits) or int(digits, 16) > 0x10FFFF:
            raise PatternError("bad \\u{...} escape")
        return int(digits, 16), end + 1
    digits = src[i + 2:i + 6]
    if len(digits) != 4 or any(c not in _HEX for c in digits):
        raise PatternError("bad \\u escape")
    cp = int(digits, 16)
    low = src[i + 8:i + 12]
    if 0xD800 <= cp <= 0xDBFF and src.startswith("\\u", i + 6) and len(low) == 4 \
            and all(c in _HEX for c in low) and 0xDC00 <= int(low, 16) <= 0xDFFF:
        return 0x10000 + ((cp - 0xD800) << 10) + (int(low, 16) - 0xDC00), i + 12
    return cp, i + 6


def _escape(src, i, in_class):
    """Translates the escape at src[i] == '\\\\'; returns (python text, is_single_char, next index)."""
    if i + 1 >= len(src):
        raise PatternError("pattern ends with a lone backslash")
    c = src[i + 1]
    if c in _CLASS_ESCAPES:
        body = _CLASS_ESCAPES[c]
        return (body if in_class else "[" + body + "]"), False, i + 2
    if c in "DWS":
        if in_class:
            raise PatternError("\\%s inside [...] is not supported" % c)
        return "[^" + _CLASS_ESCAPES[c.lower()] + "]", False, i + 2
    if c == "u":
        cp, nxt = _unicode_escape(src, i)
        return _code_point(cp), True, nxt
    if c == "x":
        digits = src[i + 2:i + 4]
        if len(digits) != 2 or any(d not in _HEX for d in digits):
            raise PatternError("bad \\x escape")
        return "\\x" + digits, True, i + 4
    if c == "0" and not src[i + 2:i + 3].isdigit():
        return "\\x00", True, i + 2
    if c in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[c], True, i + 2
    if c in _SYNTAX or (c == "-" and in_class):
        return "\\" + c, True, i + 2
    if c == "b" and in_class:
        return "\\x08", True, i + 2
    raise PatternError("the escape \\%s is not supported" % c)


def _class_literal(ch):
    # Escape everything re treats (or will treat) specially inside a set.
    return "\\" + ch if ch in "\\]^-[&~|" else ch


def _char_class(src, i):
    """Translates the [...] starting at src[i]; returns (python text, next index)."""
    j = i + 1
    negate = src.startswith("^", j)
    if negate:
        j += 1
    if src.startswith("]", j):                     # [] matches nothing, [^] anything
        return ("(?s:.)" if negate else "(?!)"), j + 1
    parts = []
    prev_single = False                            # last item can start a range
    while True:
        if j >= len(src):
            raise PatternError("unterminated [...]")
        ch = src[j]
        if ch == "]":
            break
        if ch == "-" and prev_single and not src.startswith("]", j + 1) and j + 1 < len(src):
            parts.append("-")                          # a range a-z
            j += 1
            if src[j] == "\\":
                text, single, j = _escape(src, j, True)
                if not single:
                    raise PatternError("a range cannot end in a class escape")
                parts.append(text)
            else:
                parts.append(_class_literal(src[j]))
                j += 1
            prev_single = False
            continue
        if ch == "\\":
            text, prev_single, j = _escape(src, j, True)
            parts.append(text)
        else:
            parts.append(_class_literal(ch))
            prev_single = True
            j += 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]", j + 1


def translate_pattern(src):
    """An ECMAScript ('u' flag) pattern as a Python re pattern with the same matches, for re.search."""
    out = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            text, _single, i = _escape(src, i, False)
            out.append(text)
            continue
        if ch == "[":
            text, i = _char_class(src, i)
            out.append(text)
            continue
        if ch == "$":
            out.append("\\Z")                  # Python's $ also matches before a final newline
        elif ch == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")  # Python's . matches \r and the separators
        elif ch == "(" and src.startswith("(?", i):
            if src.startswith("(?<", i) and not src.startswith(("(?<=", "(?<!"), i):
                out.append("(?P<")               # a named group
                i += 3
                continue
            if not src.startswith(("(?:", "(?=", "(?!", "(?<=", "(?<!"), i):
                raise PatternError("the group %r is not supported" % src[i:i + 3])
            out.append("(?")
            i += 2
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)
