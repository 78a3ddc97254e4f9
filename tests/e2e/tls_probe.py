"""A TLS peer for the fleet tests (run inside a host's namespace): connects
to escortd with the given certificate and key, optionally holds the
connection, and prints one JSON line: {"ok", "error", "held"}. held is how
many seconds the connection stayed open (escortd cut it sooner when it is
less than --hold)."""
import argparse
import json
import socket
import ssl
import time


def hold(s, seconds, out):
    """Reads (escortd's heartbeats) until it closes or seconds pass; the
    seconds it stayed open."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        s.settimeout(max(0.05, seconds - (time.monotonic() - start)))
        try:
            if not s.recv(4096):
                out["error"] = "closed by escortd"
                break
        except socket.timeout:
            break
        except (OSError, ssl.SSLError) as e:
            out["error"] = f"closed by escortd: {e}"
            break
    return time.monotonic() - start


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--connect", required=True)
    a.add_argument("--ca", required=True)
    a.add_argument("--cert")
    a.add_argument("--key")
    a.add_argument("--hold", type=float, default=0)
    a.add_argument("--tls12", action="store_true", help="offer TLS 1.2 only")
    o = a.parse_args()
    host, port = o.connect.rsplit(":", 1)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if o.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_verify_locations(o.ca)
    if o.cert:
        ctx.load_cert_chain(o.cert, o.key)
    out = {"ok": False, "error": "", "held": 0.0}
    try:
        s = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=5))
        # TLS 1.3: a refused client certificate shows on the first read.
        out["held"] = hold(s, max(o.hold, 1.0), out)
        out["ok"] = out["error"] == ""
    except (OSError, ssl.SSLError) as e:
        out["error"] = str(e)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
