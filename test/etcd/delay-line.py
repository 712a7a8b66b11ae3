# A delay line for the namespace lab's router, standing in for `tc netem delay` on kernels
# built without sch_netem (CONFIG_NET_SCH_NETEM unset, as on the machines this project runs
# on). A TUN device named DEVICE takes every packet the router forwards between two clouds
# (policy routes send it here); each comes back out of DEVICE, unchanged, after the one-way
# delay of its pair of clouds, plus or minus a uniform jitter, and the router then forwards
# it as usual. Packets of one pair never overtake each other (netem reorders with jitter;
# etcd's TCP would cope, but the lab wants only delay). The cloud of an address is its third
# octet (198.18.<k>.x, namespace-lab.ts). Prints "ready" once the device exists; runs until
# killed.
#
#   python3 delay-line.py DEVICE DELAYS_JSON
#
# DELAYS_JSON: {"<k>": {"<j>": [one-way ms, jitter ms], ...}, ...}; pairs not listed pass at once.
import fcntl
import heapq
import json
import os
import random
import select
import struct
import sys
import time

TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
device, delays = sys.argv[1], json.loads(sys.argv[2])
tun = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack('16sH', device.encode(), IFF_TUN | IFF_NO_PI))
print('ready', flush=True)

queue = []  # (due, sequence, packet)
last_due = {}  # (source cloud, destination cloud) -> due time of its latest packet
sequence = 0
while True:
    timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
    ready, _, _ = select.select([tun], [], [], timeout)
    now = time.monotonic()
    if ready:
        packet = os.read(tun, 65535)
        if len(packet) >= 20 and packet[0] >> 4 == 4:
            pair = (str(packet[14]), str(packet[18]))
            one_way, jitter = delays.get(pair[0], {}).get(pair[1], [0, 0])
            due = max(now + (one_way + random.uniform(-jitter, jitter)) / 1000, last_due.get(pair, 0))
            last_due[pair] = due
            heapq.heappush(queue, (due, sequence, packet))
            sequence += 1
    while queue and queue[0][0] <= now:
        os.write(tun, heapq.heappop(queue)[2])
