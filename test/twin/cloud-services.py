# The services a cloud runs beside its VMs, for the twin (test/twin/twin-lab.ts): a DNS
# resolver (udp and tcp 53) that answers every A question with 192.0.2.53, and an HTTP
# server on port 80 that answers every GET with 200 "metadata" (the metadata service).
# The twin puts the cloud's metadata and resolver addresses in the VPC namespace and names
# them as arguments: DNS over udp binds each (so that answers leave from the address asked),
# the tcp listeners every address. Prints "ready" once all listen; runs until killed.
#
#   python3 cloud-services.py ADDRESS...
import http.server
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


class Metadata(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'metadata')

    def log_message(self, *args):
        pass


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('0.0.0.0', 53))
listener.listen(16)
server = http.server.ThreadingHTTPServer(('0.0.0.0', 80), Metadata)
for address in sys.argv[1:]:
    threading.Thread(target=udp, args=(address,), daemon=True).start()
threading.Thread(target=tcp, args=(listener,), daemon=True).start()
print('ready', flush=True)
server.serve_forever()
