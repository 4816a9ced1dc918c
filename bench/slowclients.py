#!/usr/bin/env python3
"""N concurrent slow downloads, each reading at most RATE bytes/s, for SECONDS; stops by itself.

Used by bench/run.sh for figure f. Plain asyncio, standard library only. Each client opens its own
connection, sends one GET (or a form POST with --data), checks the status and then reads the body through a
token bucket, so the server sees a reader that really is slow (curl --limit-rate reads a burst of megabytes on
loopback, then stalls). A client still reading when time is up counts as fine; an error is a failed connect,
a non-200 answer, a connection closed before Content-Length bytes, or no answer headers within --header-timeout.

Prints one line: SLOW clients=N ok=N errors=N bytes=N mean_kib_s=F min_kib_s=F ttfb_p50_ms=F ttfb_max_ms=F
followed by error kinds (e.g. errors_by_kind=connect:3,status_503:2) on stderr.
"""
import argparse
import asyncio
import collections
import statistics
import sys
import time
import urllib.parse

TICK = 0.25


async def client(args, host, port, request, deadline, results, errors):
    start = time.monotonic()
    writer = None
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), args.connect_timeout)
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), args.header_timeout)
        lines = head.decode("latin-1").split("\r\n")
        status = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "?"
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if status != "200":
            errors[f"status_{status}"] += 1
            return
        got = 0
        body_start = time.monotonic()
        first_byte = None
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            allowed = int(args.rate * (now - body_start + TICK)) - got
            if allowed <= 0:
                await asyncio.sleep(TICK)
                continue
            try:
                chunk = await asyncio.wait_for(reader.read(min(allowed, 65536)), max(0.01, deadline - now))
            except asyncio.TimeoutError:
                break
            if not chunk:
                if length is not None and got < length:
                    errors["closed_early"] += 1
                    return
                break
            if first_byte is None:
                first_byte = time.monotonic() - start
            got += len(chunk)
        elapsed = max(time.monotonic() - body_start, 1e-6)
        results.append((got, got / elapsed, first_byte))
    except asyncio.TimeoutError:
        errors["timeout"] += 1
    except (ConnectionError, OSError) as e:
        errors[type(e).__name__] += 1
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError):
        errors["bad_answer"] += 1
    finally:
        if writer is not None:
            writer.close()


async def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("--data", help="form body; makes the request a POST")
    p.add_argument("--clients", type=int, default=1000)
    p.add_argument("--rate", type=int, default=50 * 1024, help="bytes per second per client")
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--connect-timeout", type=float, default=10)
    p.add_argument("--header-timeout", type=float, default=15)
    args = p.parse_args()

    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port or 80
    target = url.path or "/"
    if args.data is not None:
        body = args.data.encode()
        request = (f"POST {target} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n"
                   f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
                   ).encode() + body
    else:
        request = f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode()

    results, errors = [], collections.Counter()
    deadline = time.monotonic() + args.seconds
    tasks = [asyncio.create_task(client(args, host, port, request, deadline, results, errors))
             for _ in range(args.clients)]
    # Every client stops at the deadline; the extra wait only covers connects and headers still pending.
    await asyncio.wait(tasks, timeout=args.seconds + args.connect_timeout + args.header_timeout + 5)
    for t in tasks:
        t.cancel()
    missing = args.clients - len(results) - sum(errors.values())
    if missing > 0:
        errors["unfinished"] += missing

    rates = [r for _, r, _ in results]
    ttfbs = [f for _, _, f in results if f is not None]
    print("SLOW clients=%d ok=%d errors=%d bytes=%d mean_kib_s=%.1f min_kib_s=%.1f ttfb_p50_ms=%.1f ttfb_max_ms=%.1f" % (
        args.clients, len(results), sum(errors.values()), sum(b for b, _, _ in results),
        statistics.mean(rates) / 1024 if rates else 0, min(rates) / 1024 if rates else 0,
        statistics.median(ttfbs) * 1000 if ttfbs else float("nan"), max(ttfbs) * 1000 if ttfbs else float("nan")))
    if errors:
        print("errors_by_kind=" + ",".join(f"{k}:{v}" for k, v in sorted(errors.items())), file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
