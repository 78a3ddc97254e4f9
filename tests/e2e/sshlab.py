"""A real sshd on loopback for end-to-end tests: keys, a free port and the
part of sshd_config every such test shares."""
import socket
import subprocess


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_keys(base):
    """A client key and a host key in base; returns the client key's path."""
    key = f"{base}/client_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{base}/host_key"],
                   check=True)
    return key


def sshd_config_head(port, base, auth, users):
    """Keys only, loopback only, no PAM, only these users."""
    return f"""Port {port}
ListenAddress 127.0.0.1
HostKey {base}/host_key
PidFile {base}/sshd.pid
AuthorizedKeysFile {auth}/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
AllowUsers {' '.join(users)}
"""
