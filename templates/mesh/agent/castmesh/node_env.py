# /etc/cast/node.env and mesh.env as the node's Python tools read them: KEY='value' lines, as the
# renderer writes them (values never hold a quote); a later line wins (scripts append what they
# find at boot).
import re


def read_env(path):
    with open(path) as file:
        return dict(re.findall(r"^([A-Z0-9_]+)='?([^'\n]*)'?$", file.read(), re.M))


def read_env_or_log(path, log):
    """node.env as a dict, or None once `log` has said why it cannot be read (the tool then exits 1)."""
    try:
        return read_env(path)
    except OSError as error:
        log(f'cannot read {path}: {error.strerror}')
        return None
