#!/usr/bin/env python3
"""A second, independent client for the handoff benchmark: Python grpcio (Debian's python3-grpcio) over the
daemon's Unix socket, so the handoff figures do not depend on the Node client. It speaks the two calls it
needs on the wire (CreateSandboxRequest with an empty template is the default template; the reply is read
for its id, field 1, and from_warm_pool, field 6), times each Create from the call to the reply, deletes
what it created once the measurement is over, and prints one JSON object.

Usage: handoff-client.py SOCKET burst N CLIENTS   N creates, CLIENTS at a time (each client back to back)
       handoff-client.py SOCKET steady RATE SECONDS   RATE creates a second, sent on schedule (open loop)
"""
import json
import sys
import threading
import time

import grpc

CREATE = '/godel.v1.Sandboxes/Create'
DELETE = '/godel.v1.Sandboxes/Delete'


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def sandbox_fields(buf):
    """The id and from_warm_pool of a Sandbox message; other fields are skipped by their wire type."""
    i, sid, warm = 0, '', False
    while i < len(buf):
        key, i = varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
            if field == 6:
                warm = value != 0
        elif wire == 2:
            n, i = varint(buf, i)
            if field == 1:
                sid = buf[i:i + n].decode()
            i += n
        elif wire == 5:
            i += 4
        elif wire == 1:
            i += 8
        else:
            raise ValueError('unexpected wire type %d' % wire)
    return sid, warm


def delete_request(sid):
    data = sid.encode()
    return b'\x0a' + bytes([len(data)]) + data


def main():
    socket, scenario = sys.argv[1], sys.argv[2]
    channel = grpc.insecure_channel('unix:' + socket)
    grpc.channel_ready_future(channel).result(timeout=10)
    create = channel.unary_unary(CREATE)
    delete = channel.unary_unary(DELETE)
    samples, ids, warm = [], [], 0
    lock = threading.Lock()

    def record(ms, reply):
        nonlocal warm
        sid, was_warm = sandbox_fields(reply)
        with lock:
            samples.append(ms)
            ids.append(sid)
            warm += was_warm

    if scenario == 'burst':
        n, clients = int(sys.argv[3]), int(sys.argv[4])
        per = [n // clients + (1 if k < n % clients else 0) for k in range(clients)]
        start = threading.Barrier(clients)

        def client(count):
            start.wait()
            for _ in range(count):
                t0 = time.perf_counter()
                reply = create(b'', timeout=30)
                record((time.perf_counter() - t0) * 1000, reply)

        threads = [threading.Thread(target=client, args=(c,)) for c in per]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elif scenario == 'steady':
        rate, seconds = float(sys.argv[3]), float(sys.argv[4])
        n = int(rate * seconds)
        done = threading.Semaphore(0)
        t_start = time.perf_counter()
        for k in range(n):
            delay = t_start + k / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t0 = time.perf_counter()
            future = create.future(b'', timeout=30)

            def finished(f, t0=t0):
                record((time.perf_counter() - t0) * 1000, f.result())
                done.release()

            future.add_done_callback(finished)
        for _ in range(n):
            done.acquire()
    else:
        raise SystemExit('unknown scenario ' + scenario)
    for sid in ids:
        delete(delete_request(sid), timeout=30)
    channel.close()
    print(json.dumps({'samples': samples, 'warm': warm}))


if __name__ == '__main__':
    main()
