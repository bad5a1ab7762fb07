#!/usr/bin/env python3
"""Sums the code size of a WebAssembly module by crate and by app module.

Reads the `name` section (keep it: `wasm-opt -g`, or the cargo output before
wasm-bindgen), demangles the Rust v0/legacy names roughly, and attributes each
function's body to the crate its path starts with; generic functions count
for the crate that defines them, so `app` here is our own code that is not
generic over another crate's types. Data segments are reported as one line.

    scripts/wasm-crates.py FILE.wasm [--top N] [--app]
"""

import re
import sys
from collections import Counter


def leb(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def sections(buf):
    pos = 8
    while pos < len(buf):
        sid = buf[pos]
        size, pos = leb(buf, pos + 1)
        yield sid, buf[pos : pos + size]
        pos += size


def parse(path):
    buf = open(path, "rb").read()
    imported = 0
    bodies = []
    names = {}
    data = 0
    for sid, body in sections(buf):
        if sid == 2:  # imports: count function imports (they shift indices)
            n, p = leb(body, 0)
            for _ in range(n):
                for _ in range(2):
                    ln, p = leb(body, p)
                    p += ln
                kind = body[p]
                p += 1
                if kind == 0:
                    _, p = leb(body, p)
                    imported += 1
                elif kind == 1:
                    p += 1
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif kind == 2:
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif kind == 3:
                    p += 2
                else:
                    p += 2
        elif sid == 10:
            n, p = leb(body, 0)
            for _ in range(n):
                size, p = leb(body, p)
                bodies.append(size)
                p += size
        elif sid == 11:
            data = len(body)
        elif sid == 0:
            ln, p = leb(body, 0)
            if body[p : p + ln] != b"name":
                continue
            p += ln
            while p < len(body):
                sub = body[p]
                size, p = leb(body, p + 1)
                end = p + size
                if sub == 1:
                    n, q = leb(body, p)
                    for _ in range(n):
                        idx, q = leb(body, q)
                        ln, q = leb(body, q)
                        names[idx] = body[q : q + ln].decode("utf-8", "replace")
                        q += ln
                p = end
    return imported, bodies, names, data, len(buf)


LEGACY = re.compile(r"^_ZN((?:\d+[^\d].*?)+)E$")


def demangle(name):
    """Good enough for attribution: the path of a legacy or v0 symbol."""
    m = LEGACY.match(name)
    if m:
        s = m.group(1)
        parts = []
        i = 0
        while i < len(s) and s[i].isdigit():
            j = i
            while s[j].isdigit():
                j += 1
            n = int(s[i:j])
            parts.append(s[j : j + n])
            i = j + n
        if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
            parts.pop()
        return "::".join(parts).replace("$LT$", "<").replace("$GT$", ">").replace("$u20$", " ").replace("..", "::")
    return name


def crate_of(name):
    d = demangle(name)
    d = d.lstrip("<_")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", d)
    return m.group(1) if m else "?"


def app_module(name):
    d = demangle(name)
    m = re.search(r"\bapp::([a-z_]+)(?:::([a-z_]+))?", d)
    if not m:
        return None
    return "app::" + m.group(1) + ("::" + m.group(2) if m.group(2) else "")


def main():
    path = sys.argv[1]
    top = 40
    if "--top" in sys.argv:
        top = int(sys.argv[sys.argv.index("--top") + 1])
    imported, bodies, names, data, total = parse(path)
    by_crate = Counter()
    by_app = Counter()
    mentions_app = 0
    funcs = []
    for i, size in enumerate(bodies):
        name = names.get(imported + i, f"func[{imported + i}]")
        by_crate[crate_of(name)] += size
        mod = app_module(name)
        if mod:
            by_app[mod] += size
            mentions_app += size
        funcs.append((size, demangle(name)))
    code = sum(bodies)
    print(f"file {path}: {total} bytes, code {code}, data {data}, functions {len(bodies)}")
    print(f"functions whose name mentions app::  {mentions_app} ({100 * mentions_app / code:.1f}% of code)")
    print("\n== code by crate (the crate that defines the function)")
    for c, s in by_crate.most_common(top):
        print(f"{s:>10} {100 * s / code:5.1f}%  {c}")
    if "--app" in sys.argv:
        print("\n== code whose name mentions an app module")
        for c, s in by_app.most_common(top):
            print(f"{s:>10} {100 * s / code:5.1f}%  {c}")
    print("\n== largest functions")
    for s, n in sorted(funcs, reverse=True)[:top]:
        print(f"{s:>10}  {n[:180]}")


if __name__ == "__main__":
    main()
