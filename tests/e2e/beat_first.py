"""A TLS relay for the fleet tests (run inside a host's namespace): it
takes a host's connection with escortd's own certificate (so the host's pin
holds), opens one to escortd with the host's certificate, sends the host a
heartbeat before anything else — as escortd may at any moment to a known
host — then relays both ways. Prints "ready" once it listens."""
import argparse
import select
import socket
import ssl
import sys

from wire import HEARTBEAT, frame, uint


def relay(a, b):
    """Bytes both ways until either side closes."""
    while True:
        ready, _, _ = select.select([a, b], [], [], 30)
        if not ready:
            return
        for src in ready:
            dst = b if src is a else a
            while True:
                try:
                    data = src.recv(65536)
                except ssl.SSLWantReadError:
                    break
                if not data:
                    return
                dst.sendall(data)
                if not src.pending():
                    break


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--listen", required=True)
    a.add_argument("--broker", required=True)
    a.add_argument("--state", required=True, help="escortd's state folder")
    a.add_argument("--host-dir", required=True)
    o = a.parse_args()
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(f"{o.state}/ca/tls.crt", f"{o.state}/ca/tls.key")
    server.verify_mode = ssl.CERT_REQUIRED
    server.load_verify_locations(f"{o.state}/ca/ca.crt")
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.load_verify_locations(f"{o.state}/ca/ca.crt")
    client.load_cert_chain(f"{o.host_dir}/host.crt", f"{o.host_dir}/host.key")
    host, port = o.listen.rsplit(":", 1)
    ls = socket.create_server((host, int(port)))
    print("ready", flush=True)
    conn, _ = ls.accept()
    down = server.wrap_socket(conn, server_side=True)
    bhost, bport = o.broker.rsplit(":", 1)
    up = client.wrap_socket(socket.create_connection((bhost, int(bport)), timeout=10))
    down.sendall(frame(HEARTBEAT, uint(1, 1)))
    down.setblocking(False)
    up.setblocking(False)
    relay(down, up)
    return 0


if __name__ == "__main__":
    sys.exit(main())
