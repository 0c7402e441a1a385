#!/usr/bin/python3
"""The other local user's client for test/security/other-user-attacks.test.ts (issue 18).

Standard library only. Runs inside the test's own network namespace, started by
test/support/attack-netns.ts with setpriv as one of two local users:

  attacker.py hold PLAN    as the daemon's owner: opens the keep-alive connections the
                           attacks aim at, gets a token on each (the owner is served),
                           prints their local ports as one JSON line, keeps them alive
                           with a token PUT a second (the daemon drops a connection idle
                           for 5 s) and closes them when its stdin reaches EOF.
  attacker.py probe PLAN   as the owner: one full IMDSv2 sequence per target.
  attacker.py attack PLAN  as the other user: the attempts of each attack class.
  attacker.py fuzz PLAN    as the other user: random source addresses, ports and device
                           bindings from a few threads until `attempts` connections
                           were answered or the time budget is spent.

PLAN is a JSON document: argv[2] for hold (its stdin is the stop signal), stdin for the
others. Every attempt is one connection: bind the source (optionally SO_BINDTODEVICE
first; Linux >= 5.7 lets any user bind a socket to a device), connect, PUT
/latest/api/token; on a 200, GET the role's credential on the same connection. The
socket is closed with SO_LINGER 0 (an RST): no TIME_WAIT is left, so the same 4-tuple
can be used again at once. One JSON line of results goes to stdout.
"""
import json
import os
import random
import select
import socket
import struct
import sys
import threading
import time

ROLE_PATH = '/latest/meta-data/iam/security-credentials/'
TIMEOUT_S = 5.0


def family_of(address):
    return socket.AF_INET6 if ':' in address else socket.AF_INET


def sockaddr(address, port, scope):
    """A Python socket address; `scope` is an interface name for fe80:: addresses."""
    if ':' not in address:
        return (address, port)
    return (address, port, 0, socket.if_nametoindex(scope) if scope else 0)


def open_connection(spec):
    """A connected socket for `spec`, or raises OSError (bind/connect refused)."""
    sock = socket.socket(family_of(spec['dst']), socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        if spec.get('device'):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, spec['device'].encode())
        sock.settimeout(TIMEOUT_S)
        if spec.get('src') is not None:
            sock.bind(sockaddr(spec['src'], spec.get('srcPort', 0), spec.get('scope')))
        sock.connect(sockaddr(spec['dst'], spec['dstPort'], spec.get('scope')))
        return sock
    except BaseException:
        sock.close()
        raise


def read_response(sock):
    """(status, body) of one HTTP/1.1 response with Content-Length; status 0 if cut short."""
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return 0, ''
        data += chunk
    head, _, body = data.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split(' ')[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(':')
        if name.strip().lower() == 'content-length':
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, body.decode('utf-8', 'replace')


def request(sock, method, path, headers):
    # Host: localhost passes the daemon's DNS-rebinding guard whatever address was dialled.
    lines = [f'{method} {path} HTTP/1.1', 'Host: localhost', 'User-Agent: imdsd-attack-test']
    lines += [f'{name}: {value}' for name, value in headers.items()]
    if method == 'PUT':
        lines.append('Content-Length: 0')
    sock.sendall(('\r\n'.join(lines) + '\r\n\r\n').encode())
    return read_response(sock)


def put_token(sock):
    return request(sock, 'PUT', '/latest/api/token', {'X-aws-ec2-metadata-token-ttl-seconds': '60'})


def sequence(spec, role):
    """One attempt: {'put': status, 'get': status or None, 'key': bool} or {'error': text}."""
    try:
        sock = open_connection(spec)
    except OSError as error:
        return {'error': f'connect: {errno_name(error)}'}
    try:
        put, token = put_token(sock)
        result = {'put': put, 'get': None, 'key': False}
        if put == 200:
            get, body = request(sock, 'GET', ROLE_PATH + role, {'X-aws-ec2-metadata-token': token})
            result['get'] = get
            result['key'] = get == 200 and '"AccessKeyId"' in body
        result['src'] = list(sock.getsockname()[:2])
        return result
    except (OSError, ValueError, IndexError) as error:
        return {'error': f'exchange: {errno_name(error)}'}
    finally:
        sock.close()


def errno_name(error):
    code = getattr(error, 'errno', None)
    return os.strerror(code) if isinstance(code, int) else type(error).__name__


class Tally:
    """Counts per (class, variant): attempts answered, statuses, credentials, errors."""

    def __init__(self):
        self.groups = {}

    def add(self, group, spec, result):
        entry = self.groups.setdefault(group, {'tried': 0, 'answered': 0, 'put': {}, 'credentials': 0, 'errors': {}, 'leaks': []})
        entry['tried'] += 1
        if 'error' in result:
            entry['errors'][result['error']] = entry['errors'].get(result['error'], 0) + 1
            return
        entry['answered'] += 1
        status = str(result['put'])
        entry['put'][status] = entry['put'].get(status, 0) + 1
        if result['key']:
            entry['credentials'] += 1
            if len(entry['leaks']) < 5:
                entry['leaks'].append({k: spec.get(k) for k in ('src', 'srcPort', 'device', 'scope', 'dst', 'dstPort')})


def hold(plan):
    """As the owner: keep-alive connections whose local ports the attacks reuse."""
    held = []
    for spec in plan['connections']:
        sock = open_connection(spec)
        status, _ = put_token(sock)
        held.append((spec, sock, status))
    report = [{'name': s['name'], 'status': st, 'port': sock.getsockname()[1]} for s, sock, st in held]
    print(json.dumps({'event': 'holding', 'pid': os.getpid(), 'connections': report}), flush=True)
    statuses = {}
    # A token PUT a second keeps each connection ESTABLISHED (the daemon closes a kept-alive
    # connection idle for 5 s); EOF on stdin is the signal to stop.
    while not select.select([sys.stdin], [], [], 1.0)[0]:
        for spec, sock, _ in held:
            try:
                status, _ = put_token(sock)
            except OSError as error:
                status = f"{spec['name']}: {errno_name(error)}"
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    sys.stdin.read()
    for _, sock, _ in held:
        sock.close()
    print(json.dumps({'event': 'released', 'keepAlive': statuses}), flush=True)


def probe(plan):
    results = {spec['name']: sequence(spec, plan['role']) for spec in plan['targets']}
    print(json.dumps({'event': 'probe', 'pid': os.getpid(), 'results': results}), flush=True)


def attack(plan):
    tally = Tally()
    for spec in plan['attempts']:
        tally.add((spec['cls'], spec['variant']), spec, sequence(spec, plan['role']))
    groups = [{'cls': c, 'variant': v, **entry} for (c, v), entry in tally.groups.items()]
    print(json.dumps({'event': 'attack', 'pid': os.getpid(), 'groups': groups}), flush=True)


def fuzz_spec(rng, plan):
    """A random attempt: source address, port, device binding and target."""
    target = rng.choice(plan['targets'])
    v6_target = ':' in target['dst'] and not target['dst'].startswith('::ffff:')
    if v6_target:
        src = rng.choice(plan['v6Sources'])
    else:
        src = rng.choice(['127.0.0.1', f'127.0.0.{rng.randint(2, 254)}', f'127.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}'])
        if target['dst'].startswith('::ffff:'):
            src = '::ffff:' + src
    port = rng.choice([0, 0, rng.randint(1024, 65535)] + plan['ports'] * 2)
    return {**target, 'src': src, 'srcPort': port, 'device': 'lo' if rng.random() < 0.5 else None}


def fuzz(plan):
    """`workers` threads (sockets release the GIL, so the daemon always has work queued)."""
    tally = Tally()
    lock = threading.Lock()
    deadline = time.monotonic() + plan['budgetSeconds']
    answered = [0]

    def worker(index):
        rng = random.Random(plan['seed'] * 1000 + index)
        while answered[0] < plan['attempts'] and time.monotonic() < deadline:
            spec = fuzz_spec(rng, plan)
            result = sequence(spec, plan['role'])
            group = 'device-bound' if spec['device'] else 'unbound'
            with lock:
                answered[0] += 'error' not in result
                tally.add(('fuzz', f"{group} to {spec['name']}"), spec, result)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(plan['workers'])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    groups = [{'cls': c, 'variant': v, **entry} for (c, v), entry in tally.groups.items()]
    print(json.dumps({'event': 'fuzz', 'pid': os.getpid(), 'seed': plan['seed'], 'groups': groups}), flush=True)


if __name__ == '__main__':
    MODES = {'hold': hold, 'probe': probe, 'attack': attack, 'fuzz': fuzz}
    MODES[sys.argv[1]](json.loads(sys.argv[2]) if len(sys.argv) > 2 else json.load(sys.stdin))
