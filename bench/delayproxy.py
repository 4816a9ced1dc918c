#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that delays every burst of bytes from the client by a fixed time before passing it
on: each S3 request (its head arrives in one burst) reaches the server that much later, as across a network
with that round trip. Server-to-client bytes pass at once.

    bench/delayproxy.py LISTEN_PORT TARGET_PORT DELAY_MS
"""
import asyncio
import sys


async def pipe(reader, writer, delay):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if delay:
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(listen_port, target_port, delay):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, 0))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    print(f"delayproxy: 127.0.0.1:{listen_port} -> 127.0.0.1:{target_port}, +{delay * 1000:.0f} ms per burst",
          flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000))
