# The services a cloud runs beside its VMs, for the twin (test/twin/twin-lab.ts): a DNS
# resolver (udp and tcp 53) that answers every A question with 192.0.2.53, and the metadata
# service on port 80, answering the paths the node scripts read (templates/scripts/
# cloud-metadata.sh) the way each cloud documents them: the caller's private address (the
# source of its request: VMs reach the service from their VPC address), its API seeds from
# SEEDS (a JSON object of private address -> list of addresses, as the stack's tags or
# metadata give them), AWS's IMDSv2 token; any other GET answers 200 "metadata".
# The twin puts the cloud's metadata and resolver addresses in the VPC namespace and names
# them as arguments: DNS over udp binds each (so that answers leave from the address asked),
# the tcp listeners every address. Prints "ready" once all listen; runs until killed.
#
#   python3 cloud-services.py SEEDS ADDRESS...
import http.server
import json
import socket
import struct
import sys
import threading

ANSWER = socket.inet_aton('192.0.2.53')


def answer(query):
    # Header: id, flags (response, recursion available), 1 question, 1 answer; then the
    # question as asked and one A record pointing at it (name compression 0xc00c).
    if len(query) < 12:
        return None
    end = 12
    while end < len(query) and query[end] != 0:
        end += query[end] + 1
    question = query[12:end + 5]
    header = query[:2] + struct.pack('>HHHHH', 0x8180, 1, 1, 0, 0)
    return header + question + struct.pack('>HHHIH', 0xC00C, 1, 1, 60, 4) + ANSWER


def udp(address):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, 53))
    while True:
        data, peer = s.recvfrom(4096)
        reply = answer(data)
        if reply:
            s.sendto(reply, peer)


def tcp_client(c):
    with c:
        length = struct.unpack('>H', c.recv(2))[0]
        reply = answer(c.recv(length))
        if reply:
            c.sendall(struct.pack('>H', len(reply)) + reply)


def tcp(listener):
    while True:
        c, _ = listener.accept()
        threading.Thread(target=tcp_client, args=(c,), daemon=True).start()


SEEDS = json.load(open(sys.argv[1]))
# Paths of the caller's private address: AWS, GCP, Azure, DigitalOcean.
PRIVATE_ADDRESS = ('/latest/meta-data/local-ipv4', '/computeMetadata/v1/instance/network-interfaces/0/ip',
                   '/metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress',
                   '/metadata/v1/interfaces/private/0/ipv4/address')


class Metadata(http.server.BaseHTTPRequestHandler):
    def answer(self, body, status=200):
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body.encode())

    def do_PUT(self):
        self.answer('twin-imds-token' if self.path == '/latest/api/token' else 'metadata')

    def do_GET(self):
        path = self.path.split('?')[0]
        caller = self.client_address[0]
        seeds = SEEDS.get(caller, [])
        if path in PRIVATE_ADDRESS:
            self.answer(caller)
        elif path == '/latest/meta-data/tags/instance':
            self.answer('Name\ncast-api-servers' if seeds else 'Name')
        elif path in ('/latest/meta-data/tags/instance/cast-api-servers', '/computeMetadata/v1/instance/attributes/cast-api-servers'):
            self.answer(' '.join(seeds), 200 if seeds else 404)
        elif path == '/computeMetadata/v1/instance/attributes/':
            self.answer('user-data\n' + ('cast-api-servers\n' if seeds else ''))
        elif path == '/metadata/instance/compute/tagsList':
            self.answer(json.dumps([{'name': 'cast-api-servers', 'value': ' '.join(seeds)}] if seeds else []))
        elif path == '/metadata/v1/tags/':
            self.answer(''.join(f"cast-api:{i}:{seed.replace('.', '-')}\n" for i, seed in enumerate(seeds)))
        else:
            self.answer('metadata')

    def log_message(self, *args):
        pass


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('0.0.0.0', 53))
listener.listen(16)
server = http.server.ThreadingHTTPServer(('0.0.0.0', 80), Metadata)
for address in sys.argv[2:]:
    threading.Thread(target=udp, args=(address,), daemon=True).start()
threading.Thread(target=tcp, args=(listener,), daemon=True).start()
print('ready', flush=True)
server.serve_forever()
