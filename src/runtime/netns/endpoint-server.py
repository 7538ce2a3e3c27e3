#!/usr/bin/python3 -S
# The lab's one HTTP server process: it answers for every emulated host, node host side and
# agnhost/generic pod. A listening socket belongs to the network namespace it was created in, so
# for each listener the server enters the namespace (setns), creates the socket, and returns to its
# own; one event loop then serves them all. One small Python process per lab, with no helper
# processes, is what keeps the lab's memory down (measured against one Node process per namespace,
# then one Node server fed by Node helpers: see README, "The emulated cluster against kind").
#
# Run: python3 -S endpoint-server.py serve <config.json>; SIGHUP re-reads the config. After each
# sync it writes <config.json>.ready, the `ns:port` listeners it holds, so callers can wait for them.
# Config: {"listeners": [{"ns", "ports", "kind": "agnhost-netexec"|"generic", "identity", "image"?}]}
# (src/runtime/netns/endpoint-config.ts).
import json
import os
import selectors
import signal
import socket
import sys
import time
from urllib.parse import parse_qs

CLONE_NEWNET = 0x40000000


def _setns():
    if hasattr(os, 'setns'):  # Python 3.12+
        return lambda fd: os.setns(fd, CLONE_NEWNET)
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)

    def setns(fd):
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
    return setns


setns = _setns()


def respond(listener, remote_ip, remote_port, target, now):
    """What a listener answers: agnhost netexec's handlers, or pelab's generic stand-in."""
    client = '%s:%d' % (remote_ip, remote_port)
    if listener.get('kind') == 'generic':
        return 200, 'pelab generic server (image %s is not emulated)\npod: %s\nclient: %s\n' % (listener.get('image', 'unknown'), listener['identity'], client)
    path, _, query = target.partition('?')
    if path == '/clientip':
        return 200, client
    if path == '/hostname':
        return 200, listener['identity']
    if path == '/echo':
        return 200, (parse_qs(query).get('msg') or [''])[0]
    if path == '/healthz':
        return 200, ''
    return 200, 'NOW: ' + time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now))


class Server:
    def __init__(self, config_file):
        self.config_file = config_file
        self.home = os.open('/proc/self/ns/net', os.O_RDONLY)
        self.sel = selectors.DefaultSelector()
        self.held = {}  # 'ns:port' -> [listener, socket]
        self.reload = False
        wake_r, self.wake_w = socket.socketpair()
        wake_r.setblocking(False)
        self.wake_w.setblocking(False)
        self.sel.register(wake_r, selectors.EVENT_READ, ('wake', None))
        signal.set_wakeup_fd(self.wake_w.fileno())
        signal.signal(signal.SIGHUP, self.on_hup)

    def on_hup(self, _sig, _frame):
        self.reload = True

    def open_in(self, ns, port):
        fd = os.open('/run/netns/' + ns, os.O_RDONLY)
        try:
            setns(fd)
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('0.0.0.0', port))
                s.listen(64)
            except OSError:
                s.close()
                raise
        finally:
            setns(self.home)
            os.close(fd)
        s.setblocking(False)
        return s

    def sync(self):
        with open(self.config_file) as f:
            config = json.load(f)
        wanted = {}
        for l in config.get('listeners', []):
            for port in l['ports']:
                wanted['%s:%d' % (l['ns'], port)] = (l, port)
        for key in [k for k in self.held if k not in wanted]:
            s = self.held.pop(key)[1]
            self.sel.unregister(s)
            s.close()
        for key, (l, port) in wanted.items():
            if key in self.held:
                self.held[key][0] = l
                continue
            try:
                s = self.open_in(l['ns'], port)
            except OSError as e:
                sys.stderr.write('pelab endpoint: cannot listen on %s: %s\n' % (key, e))
                continue
            self.held[key] = [l, s]
            self.sel.register(s, selectors.EVENT_READ, ('listen', key))
        tmp = self.config_file + '.ready.tmp'
        with open(tmp, 'w') as f:
            json.dump(sorted(self.held), f)
        os.replace(tmp, self.config_file + '.ready')

    def accept(self, key):
        entry = self.held.get(key)
        if entry is None:
            return
        try:
            conn, addr = entry[1].accept()
        except (BlockingIOError, InterruptedError):
            return
        conn.setblocking(False)
        self.sel.register(conn, selectors.EVENT_READ, ('conn', [entry[0], addr, b'', time.monotonic()]))

    def read(self, conn, state):
        try:
            data = conn.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b''
        state[2] += data
        if data and b'\r\n\r\n' not in state[2] and len(state[2]) < 16384:
            return
        self.sel.unregister(conn)
        try:
            if data:
                line = state[2].split(b'\r\n', 1)[0].decode('latin-1').split(' ')
                target = line[1] if len(line) > 1 else '/'
                status, body = respond(state[0], state[1][0], state[1][1], target, time.time())
                raw = body.encode()
                head = 'HTTP/1.1 %d OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n' % (status, len(raw))
                conn.setblocking(True)
                conn.settimeout(2)
                conn.sendall(head.encode() + raw)
        except OSError:
            pass
        finally:
            conn.close()

    def run(self):
        self.sync()
        while True:
            for key, _ in self.sel.select(timeout=5):
                kind, data = key.data
                if kind == 'wake':
                    try:
                        key.fileobj.recv(64)
                    except OSError:
                        pass
                elif kind == 'listen':
                    self.accept(data)
                else:
                    self.read(key.fileobj, data)
            if self.reload:
                self.reload = False
                self.sync()
            # A client that never finishes its request does not hold a connection for long.
            now = time.monotonic()
            for key in list(self.sel.get_map().values()):
                if key.data[0] == 'conn' and now - key.data[1][3] > 10:
                    self.sel.unregister(key.fileobj)
                    key.fileobj.close()


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] != 'serve':
        sys.stderr.write('usage: endpoint-server.py serve <config.json>\n')
        sys.exit(2)
    Server(sys.argv[2]).run()
