"""A reader and editor of escort session logs (docs/LOG-FORMAT.md), written
from the format document, for tests that tamper with logs the way an attacker
with write access would: flip bits, fix up checksums, re-tag MACs."""
import hashlib
import struct

SEGMENT_HEADER = 88
RECORD_HEADER = 36
MAC_LEN = 32

_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class Record:
    """One record at offset `off` of a segment's bytes."""

    def __init__(self, data, off):
        (self.length,) = struct.unpack_from("<I", data, off)
        self.off = off
        self.end = off + 4 + self.length
        (self.type, self.flags, self.seq, self.epoch, self.mono, self.wall) = struct.unpack_from(
            "<HHQIQQ", data, off + 4)
        self.payload_off = off + RECORD_HEADER
        self.mac_off = self.end - 4 - MAC_LEN
        self.crc_off = self.end - 4

    def leaf(self, data):
        return bytes(data[self.off:self.mac_off])


def records(data):
    out, off = [], SEGMENT_HEADER
    while off + 4 <= len(data):
        r = Record(data, off)
        if r.end > len(data):
            break
        out.append(r)
        off = r.end
    return out


def fix_crc(data, rec):
    """Recomputes a record's CRC after an edit (what any attacker would do)."""
    struct.pack_into("<I", data, rec.crc_off, crc32c(bytes(data[rec.off:rec.crc_off])))


def set_field(data, rec, fmt, offset_in_record, value):
    struct.pack_into(fmt, data, rec.off + offset_in_record, value)


def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + leaf).digest()


def mac_tag(key, leaf):
    return hashlib.blake2b(leaf_hash(leaf), key=key, digest_size=32).digest()


def next_key(key):
    """libsodium's crypto_kdf_derive_from_key(subkey 1, context "escortep")."""
    salt = struct.pack("<Q", 1) + bytes(8)
    return hashlib.blake2b(b"", key=key, digest_size=32, salt=salt,
                           person=b"escortep" + bytes(8)).digest()


def fields(data, rec):
    parts = bytes(data[rec.payload_off:rec.mac_off]).split(b"\0")[:-1]
    return [(parts[i].decode(), parts[i + 1].decode()) for i in range(0, len(parts), 2)]


MAGIC = b"\x89ESC\r\n\x1a\n"


def tree_head(leaf_hashes):
    """RFC 6962 Merkle tree head over leaf hashes."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < len(leaf_hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + tree_head(leaf_hashes[:k]) +
                          tree_head(leaf_hashes[k:])).digest()


def segment_header(index, reason, session, prev_count=0, prev_root=None, prev_size=0):
    if prev_root is None:
        prev_root = hashlib.sha256(b"").digest()
    h = MAGIC + struct.pack("<III", 2, index, reason) + session + \
        struct.pack("<Q", prev_count) + prev_root + struct.pack("<Q", prev_size)
    return h + struct.pack("<I", crc32c(h))


def encode_fields(pairs):
    return b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in pairs)


def encode_record(rtype, seq, epoch, payload, key=None, flags=0, mono=0, wall=0):
    """A record as the writer makes it; tagged with key (or a wrong tag)."""
    length = 32 + len(payload) + MAC_LEN + 4
    leaf = struct.pack("<IHHQIQQ", length, rtype, flags, seq, epoch, mono, wall) + payload
    mac = mac_tag(key, leaf) if key else bytes(MAC_LEN)
    body = leaf + mac
    return body + struct.pack("<I", crc32c(body))


def all_records(paths):
    """(data, record) for every record of segments given in order, each up
    to where it ends (no superseded bytes in the logs these tests build)."""
    out = []
    for p in paths:
        data = open(p, "rb").read()
        out += [(data, r) for r in records(data)]
    return out
