# The azure backend of cast-control-plane-keys (castmesh/keys.py): read_bundle(env) returns the
# secret's text. Not built yet.
from castmesh.keys import Refused


def read_bundle(env):
    raise Refused('this store is not built yet')
