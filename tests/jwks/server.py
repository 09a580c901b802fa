#!/usr/bin/env python3
"""A controllable JWKS server on loopback for Tessera's remote-JWKS tests.

Python standard library only. Serves whatever the test configures, counts
requests per path, and can misbehave on demand (HTTP errors, garbage, huge or
slow bodies, redirects). See tests/jwks/README.md for the protocol.

    python3 tests/jwks/server.py [--host 127.0.0.1] [--port 0] [--exit-with-parent]

Prints the port it listens on as the first line of stdout (then flushes), and
runs until SIGTERM/SIGINT, POST /_admin/shutdown or, with --exit-with-parent,
its parent process ending (so a crashed test leaves no server behind).
"""

import os

import argparse
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_ROUTE = "*"

# Members of a route and their defaults (POST /_admin/state replaces a route
# with these defaults overlaid by the members given).
ROUTE_DEFAULTS = {
    "document": '{"keys":[]}',  # body text (a JSON value is serialized)
    "status": 200,  # HTTP status code
    "headers": {},  # extra response headers
    "delay": 0.0,  # seconds to wait before the status line
    "stall": 0.0,  # seconds to wait after the headers, before the body
    "redirect": None,  # Location: answer `status` (302 unless set) with it
    "body_bytes": None,  # serve this many bytes of filler instead of document
    "pad_to": None,  # pad the document with trailing spaces to this many bytes
    "framing": "length",  # "length" | "chunked" | "close"
}


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.routes = {}
        self.counts = {}
        self.total = 0

    def set_route(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("state must be a JSON object")
        unknown = set(spec) - set(ROUTE_DEFAULTS) - {"path"}
        if unknown:
            raise ValueError("unknown members: %s" % ", ".join(sorted(unknown)))
        route = dict(ROUTE_DEFAULTS)
        route.update({k: v for k, v in spec.items() if k != "path"})
        if not isinstance(route["document"], str):
            route["document"] = json.dumps(route["document"], separators=(",", ":"))
        if route["redirect"] is not None and "status" not in spec:
            route["status"] = 302
        if route["framing"] not in ("length", "chunked", "close"):
            raise ValueError("framing must be length, chunked or close")
        path = spec.get("path", DEFAULT_ROUTE)
        with self.lock:
            self.routes[path] = route
        return path

    def route_for(self, path):
        with self.lock:
            route = self.routes.get(path) or self.routes.get(DEFAULT_ROUTE)
            return dict(route) if route else None

    def count(self, path):
        with self.lock:
            self.total += 1
            self.counts[path] = self.counts.get(path, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"count": self.total, "paths": dict(self.counts)}

    def reset(self):
        with self.lock:
            self.routes.clear()
            self.counts.clear()
            self.total = 0


STATE = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tessera-jwks-test"

    def log_message(self, fmt, *args):  # quiet
        pass

    # ---- admin

    def _admin_reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _admin(self, method, path):
        if method == "GET" and path == "/_admin/requests":
            return self._admin_reply(200, STATE.snapshot())
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                spec = json.loads(raw.decode() or "{}")
                if path == "/_admin/state":
                    return self._admin_reply(200, {"path": STATE.set_route(spec)})
                if path == "/_admin/reset":
                    STATE.reset()
                    return self._admin_reply(200, {"reset": True})
                if path == "/_admin/shutdown":
                    self._admin_reply(200, {"shutdown": True})
                    threading.Thread(target=self.server.shutdown, daemon=True).start()
                    return None
            except (ValueError, TypeError) as e:
                return self._admin_reply(400, {"error": str(e)})
        return self._admin_reply(404, {"error": "no such admin endpoint"})

    # ---- served paths

    def _serve(self):
        path = self.path.split("?", 1)[0]
        STATE.count(path)
        route = STATE.route_for(path)
        if route is None:
            route = dict(ROUTE_DEFAULTS, status=404, document="not configured")
        if route["delay"]:
            time.sleep(route["delay"])
        if route["body_bytes"] is not None:
            body = b" " * int(route["body_bytes"])
        else:
            body = route["document"].encode()
            if route["pad_to"] is not None:
                body = body.ljust(int(route["pad_to"]), b" ")
        self.send_response(int(route["status"]))
        if route["redirect"] is not None:
            self.send_header("Location", route["redirect"])
        names = {k.lower() for k in route["headers"]}
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        for name, value in route["headers"].items():
            self.send_header(name, str(value))
        framing = route["framing"]
        if framing == "length":
            self.send_header("Content-Length", str(len(body)))
        elif framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.flush()
        if route["stall"]:
            time.sleep(route["stall"])
        if framing == "chunked":
            step = 64 * 1024
            for i in range(0, len(body), step):
                part = body[i : i + step]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)
        self.wfile.flush()

    def _dispatch(self, method):
        try:
            path = self.path.split("?", 1)[0]
            if path.startswith("/_admin/"):
                self._admin(method, path)
            elif method == "GET":
                self._serve()
            else:
                self._admin_reply(405, {"error": "GET only"})
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout, a refused body): expected.
            self.close_connection = True

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients hanging up mid-response are part of the tests; stay quiet.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="shut down when the process that started this one ends",
    )
    args = ap.parse_args()
    server = Server((args.host, args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    if args.exit_with_parent:
        parent = os.getppid()

        def watch():
            while os.getppid() == parent:
                time.sleep(0.2)
            server.shutdown()

        threading.Thread(target=watch, daemon=True).start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
