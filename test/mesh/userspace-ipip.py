# A userspace stand-in for the `cast-ipip` device, for the namespace test on kernels without
# the ipip driver (CONFIG_NET_IPIP unset). Same wire format and the same NBMA rule as the
# kernel's ipip device without a remote: a TUN device named cast-ipip takes the inner
# packets the routes send it; each goes, unchanged, inside an IPv4 packet of protocol 4
# from LOCAL to the `via` address of the route its destination takes (the kernel uses the
# route's next hop the same way); protocol-4 packets to LOCAL lose their outer header and
# come out of cast-ipip. Prints "ready" once the device exists; runs until killed.
#
#   python3 userspace-ipip.py LOCAL
import fcntl
import os
import select
import socket
import struct
import subprocess
import sys

TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
local = sys.argv[1]
tun = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack('16sH', b'cast-ipip', IFF_TUN | IFF_NO_PI))
# The kernel writes the outer header (protocol 4, source LOCAL) for what is sent here, and
# hands every protocol-4 packet to this socket, outer header included.
outer = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
outer.bind((local, 0))
print('ready', flush=True)
next_hop = {}
while True:
    ready, _, _ = select.select([tun, outer], [], [])
    if tun in ready:
        inner = os.read(tun, 65535)
        if len(inner) >= 20 and inner[0] >> 4 == 4:
            destination = socket.inet_ntoa(inner[16:20])
            if destination not in next_hop:
                words = subprocess.run(['ip', 'route', 'get', destination], capture_output=True, text=True).stdout.split()
                next_hop[destination] = words[words.index('via') + 1] if 'via' in words else None
            if next_hop[destination]:
                outer.sendto(inner, (next_hop[destination], 0))
    if outer in ready:
        packet = outer.recv(65535)
        if socket.inet_ntoa(packet[16:20]) == local:
            os.write(tun, packet[(packet[0] & 15) * 4:])
