# /etc/cast/node.env and mesh.env as the node's Python tools read them: KEY=value lines whose
# value is shell-quoted as the renderer writes it ('…', a quote inside written '\''), read the
# way bash's `.` reads them; a later line wins (scripts append what they find at boot). A line
# shlex cannot read is skipped, as bash would fail on it.
import re
import shlex


def read_env(path):
    with open(path) as file:
        found = {}
        for key, rest in re.findall(r'^([A-Z0-9_]+)=(.*)$', file.read(), re.M):
            try:
                found[key] = ''.join(shlex.split(rest, comments=True))
            except ValueError:
                pass
        return found


def read_env_or_log(path, log):
    """node.env as a dict, or None once `log` has said why it cannot be read (the tool then exits 1)."""
    try:
        return read_env(path)
    except OSError as error:
        log(f'cannot read {path}: {error.strerror}')
        return None
