#!/usr/bin/python3
# MetalLB's layer 2 announcer for one emulated node, as its speaker does it (internal/layer2/arp.go
# and announcer.go): it answers ARP requests for the Service IPs this node was elected for, on the
# interfaces the L2Advertisements allow, with the interface's own MAC; the IP is never configured
# on an interface (kube-proxy's DNAT takes the traffic as it arrives). When it gains an IP it sends
# gratuitous ARP, a request and a reply, at once and then every 1.1 s for 5 s, so that clients
# holding the previous node's MAC follow.
#
# Usage: l2-speaker.py <config.json>. The config is {"generation": n, "announce": [{"ip": ...,
# "interfaces": [...] | "all"}]}; SIGHUP re-reads it, and `<config>.ready` then holds the
# generation applied. "all" means every interface but lo and pod veths (veth*).
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
PACKET_OUTGOING = 4
BROADCAST = b'\xff' * 6
SPAM_EVERY = 1.1
SPAM_FOR = 5.0

config_file = sys.argv[1]
reload_wanted = True
sockets = {}  # interface -> (socket, mac bytes)
announced = {}  # ip text -> set of interfaces
spam_until = {}  # ip text -> (deadline, next send)


def on_hup(_sig, _frame):
    global reload_wanted
    reload_wanted = True


# Interfaces come from netlink (if_nameindex), not /sys/class/net: entered with nsenter --net,
# /sys still shows the namespace it was mounted in.
def all_interfaces():
    return [name for _, name in socket.if_nameindex() if name != 'lo' and not name.startswith('veth')]


def arp_frame(dst_mac, src_mac, op, sender_mac, sender_ip, target_mac, target_ip):
    eth = dst_mac + src_mac + struct.pack('!H', ETH_P_ARP)
    arp = struct.pack('!HHBBH', 1, 0x0800, 6, 4, op)
    return eth + arp + sender_mac + socket.inet_aton(sender_ip) + target_mac + socket.inet_aton(target_ip)


def open_socket(interface):
    if interface in sockets:
        return
    if interface not in (name for _, name in socket.if_nameindex()):
        # MetalLB: "the specified interfaces used to announce LB IP don't exist"; nothing to answer on.
        print(f'l2-speaker: no interface {interface} on this node', file=sys.stderr, flush=True)
        return
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    s.bind((interface, ETH_P_ARP))
    sockets[interface] = (s, s.getsockname()[4])


def gratuitous(ip):
    for interface in announced.get(ip, ()):
        if interface not in sockets:
            continue
        s, mac = sockets[interface]
        for op in (1, 2):
            s.send(arp_frame(BROADCAST, mac, op, mac, ip, BROADCAST, ip))


def reload():
    with open(config_file) as f:
        config = json.load(f)
    wanted = {}
    for entry in config['announce']:
        interfaces = all_interfaces() if entry['interfaces'] == 'all' else entry['interfaces']
        wanted[entry['ip']] = set(interfaces)
        for interface in interfaces:
            open_socket(interface)
    now = time.monotonic()
    for ip in wanted:
        if ip not in announced:
            spam_until[ip] = (now + SPAM_FOR, now)
    for ip in list(spam_until):
        if ip not in wanted:
            del spam_until[ip]
    announced.clear()
    announced.update(wanted)
    with open(config_file + '.ready.tmp', 'w') as f:
        json.dump({'generation': config['generation'], 'pid': os.getpid()}, f)
    os.replace(config_file + '.ready.tmp', config_file + '.ready')


def answer(interface, frame):
    s, mac = sockets[interface]
    if len(frame) < 42 or struct.unpack('!H', frame[12:14])[0] != ETH_P_ARP:
        return
    if frame[0:6] != BROADCAST and frame[0:6] != mac:
        return
    htype, ptype, hlen, plen, op = struct.unpack('!HHBBH', frame[14:22])
    if (htype, ptype, hlen, plen, op) != (1, 0x0800, 6, 4, 1):
        return
    sender_mac, sender_ip, target_ip = frame[22:28], socket.inet_ntoa(frame[28:32]), socket.inet_ntoa(frame[38:42])
    if interface not in announced.get(target_ip, ()):
        return
    s.send(arp_frame(sender_mac, mac, 2, mac, target_ip, sender_mac, sender_ip))


# select() is resumed after a signal handler (PEP 475): the wakeup pipe makes a SIGHUP end it at once.
wake_r, wake_w = os.pipe()
os.set_blocking(wake_r, False)
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)
signal.signal(signal.SIGHUP, on_hup)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    if reload_wanted:
        reload_wanted = False
        reload()
    now = time.monotonic()
    for ip, (deadline, due) in list(spam_until.items()):
        if now >= deadline:
            del spam_until[ip]
        elif now >= due:
            gratuitous(ip)
            spam_until[ip] = (deadline, due + SPAM_EVERY)
    wait = min([due for _, due in spam_until.values()], default=now + 1.0) - now
    by_fd = {s.fileno(): interface for interface, (s, _) in sockets.items()}
    readable, _, _ = select.select([wake_r, *by_fd], [], [], max(0.0, min(wait, 1.0)))
    if wake_r in readable:
        os.read(wake_r, 512)
    for fd in (x for x in readable if x != wake_r):
        interface = by_fd[fd]
        frame, address = sockets[interface][0].recvfrom(2048)
        if address[2] != PACKET_OUTGOING:
            answer(interface, frame)
