"""escort's wire protocol by hand (src/proto/escort.proto, docs/PROTOCOL.md):
just enough protobuf to play a hostile peer. Field numbers and enum values
are copied from escort.proto by name below."""
import struct

VERSION = 2

# Frame's oneof fields
HELLO, WELCOME, RECORD, EXEC_REQUEST, DECISION, ACK, TERMINATE, HEARTBEAT, END, REQUEST, REPLY, \
    SCREEN, WITHDRAW = range(1, 14)
# enums
PEER_SESSION, PEER_CONSOLE = 1, 2
LEVEL = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
ACTION_ALLOW, ACTION_DENY, ACTION_ASK = 0, 1, 2
SIGNING_UNSPECIFIED, SIGNING_KEY, SIGNING_EPHEMERAL = 0, 1, 2
VERB = {"sessions": 1, "pending": 2, "approve": 3, "deny": 4, "terminate": 5, "lock": 6,
        "unlock": 7, "follow": 8}


def varint(n):
    n &= (1 << 64) - 1  # negative int32/enum values go as 10-byte varints
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def uint(number, value):
    return varint(number << 3) + varint(value)


def field(number, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def frame(body_field, body, version=VERSION):
    payload = field(body_field, body)
    return b"ES" + struct.pack(">HI", version, len(payload)) + payload


def hello_console():
    return frame(HELLO, uint(1, PEER_CONSOLE))


def host_log(signing=None, why=None, sealed=False):
    """A HostLog: what a session host says of its own log."""
    return ((uint(1, signing) if signing is not None else b"") +
            (field(2, why) if why is not None else b"") + (uint(3, 1) if sealed else b""))


def hello_session(argv=("bash",), host_log=None):
    meta = b"".join(field(6, a) for a in argv)
    if host_log is not None:
        meta += field(11, host_log)
    return frame(HELLO, uint(1, PEER_SESSION) + field(2, meta))


def finding(rule, level, text="x"):
    return field(1, rule) + uint(2, level) + field(3, text)


def exec_request(ask_id, argv, level=0, findings=(), program=None):
    body = uint(1, ask_id) + uint(2, 4242)
    body += b"".join(field(3, a) for a in argv) + b"".join(field(4, a) for a in argv)
    body += field(5, "/tmp") + field(6, "/usr/bin/" + argv[0]) + field(7, program or argv[0])
    body += uint(13, level) + field(14, "the session host's summary")
    body += b"".join(field(15, f) for f in findings)
    return frame(EXEC_REQUEST, body)


def change_request(ask_id, kind, path, path2="", text="changes a file", home="/home/x",
                   as_root=0, level=0, findings=()):
    """An ExecRequest that asks about a change to files (escort.proto Change)."""
    change = field(1, kind) + field(2, path) + field(3, path2) + field(7, text)
    change += uint(8, as_root) + field(9, home)
    body = uint(1, ask_id) + uint(2, 4242) + field(3, "bash") + field(5, "/tmp")
    body += field(7, "bash") + uint(13, level) + field(14, "the session host's summary")
    body += b"".join(field(15, f) for f in findings) + field(23, change)
    return frame(EXEC_REQUEST, body)


def withdraw(ask_id, reason="withdrawn by the operator"):
    return frame(WITHDRAW, uint(1, ask_id) + field(2, reason))


def console_request(verb, request_id, target="", id=0, confirm="", check_only=False):
    body = uint(1, VERB[verb]) + uint(7, request_id)
    if id:
        body += uint(2, id)
    if target:
        body += field(3, target)
    if confirm:
        body += field(6, confirm)
    if check_only:
        body += uint(9, 1)
    return frame(REQUEST, body)


def parse(payload):
    """{field number: [values]}: ints for varints, bytes for the rest."""
    out, i = {}, 0
    while i < len(payload):
        key, i = _varint_at(payload, i)
        number, kind = key >> 3, key & 7
        if kind == 0:
            value, i = _varint_at(payload, i)
        elif kind == 2:
            n, i = _varint_at(payload, i)
            value, i = payload[i:i + n], i + n
        else:
            raise ValueError(f"wire type {kind}")
        out.setdefault(number, []).append(value)
    return out


def _varint_at(data, i):
    n = shift = 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def read_frame(sock):
    """(body field number, body's fields) of the next frame."""
    head = _read_exactly(sock, 8)
    size = struct.unpack(">I", head[4:])[0]
    top = parse(_read_exactly(sock, size))
    (number, values), = top.items()
    return number, parse(values[0])


def _read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("the connection closed")
        data += chunk
    return data


def read_answer(sock):
    """read_frame, skipping heartbeats (escortd sends one every 10 s)."""
    while True:
        kind, body = read_frame(sock)
        if kind != HEARTBEAT:
            return kind, body
