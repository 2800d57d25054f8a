"""The wire structs of common/msg.h, packed and read by field name.

The layout comes from the C headers: make builds regress/integ/msglayout,
which prints every struct's size and its fields' offsets, sizes and
types, into $BUILD/regress/integ/msglayout.json.  A fake that packs
through here sends exactly what the C side reads, after any change to
the structs; a field it does not name is zero, as memset would leave it.

    L = msglayout.load()
    d = L.pack("ctl_set", id="CAM", key="ir_led", value="off")
    L.unpack("ctl_set", d)["key"] == "ir_led"
"""
import json
import os
import struct

_CODES = {"i8": "b", "u8": "B", "i16": "h", "u16": "H", "i32": "i",
          "u32": "I", "i64": "q", "u64": "Q"}


class Layout:
    def __init__(self, desc):
        self.desc = desc

    def size(self, name):
        return self.desc[name]["size"]

    def field(self, name, f):
        return self.desc[name]["fields"][f]

    def pack(self, name, **values):
        st = self.desc[name]
        out = bytearray(st["size"])
        for k, v in values.items():
            f = st["fields"].get(k)
            if f is None:
                raise KeyError("struct %s has no field %s" % (name, k))
            out[f["off"]:f["off"] + f["size"]] = _field_bytes(name, k, f, v)
        return bytes(out)

    def unpack(self, name, data):
        st = self.desc[name]
        if len(data) < st["size"]:
            raise ValueError("struct %s: %d bytes, want %d" %
                             (name, len(data), st["size"]))
        res = {}
        for k, f in st["fields"].items():
            b = bytes(data[f["off"]:f["off"] + f["size"]])
            t = f["type"]
            if t == "str":
                res[k] = b.split(b"\0", 1)[0].decode(errors="replace")
            elif t in _CODES:
                res[k] = struct.unpack("=" + _CODES[t], b)[0]
            elif t[:-2] in _CODES:
                n = f["size"] // struct.calcsize(_CODES[t[:-2]])
                res[k] = list(struct.unpack("=%d%s" % (n, _CODES[t[:-2]]), b))
            else:
                res[k] = b
        return res


def _field_bytes(name, k, f, v):
    t, size = f["type"], f["size"]
    if t == "str":
        b = v.encode() if isinstance(v, str) else bytes(v)
        if len(b) >= size:
            raise ValueError("%s.%s: %d bytes do not fit %d with the NUL" %
                             (name, k, len(b), size))
        return b + b"\0" * (size - len(b))
    if t in _CODES:
        return struct.pack("=" + _CODES[t], v)
    if t[:-2] in _CODES:
        c = _CODES[t[:-2]]
        n = size // struct.calcsize(c)
        if len(v) > n:
            raise ValueError("%s.%s: %d values for %d" % (name, k, len(v), n))
        return struct.pack("=%d%s" % (len(v), c), *v) + \
            bytes(size - len(v) * struct.calcsize(c))
    # Arrays of strings or of structs: the caller's bytes (for structs,
    # each element packed by name), zero-padded.
    b = bytes(v)
    if len(b) > size:
        raise ValueError("%s.%s: %d bytes for %d" % (name, k, len(b), size))
    return b + bytes(size - len(b))


def load(build=None):
    """The layouts of the build tree $BUILD (or this source tree)."""
    build = build or os.environ.get("BUILD") or \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    path = os.path.join(build, "regress", "integ", "msglayout.json")
    try:
        with open(path) as f:
            return Layout(json.load(f))
    except OSError as e:
        raise SystemExit("%s: %s (make progs generates it)" % (path, e))
