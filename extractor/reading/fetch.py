"""Fetching one URL (`cchc extract URL`), and the address rules every fetch of cchc obeys.

- `fetch_url(url)`: a GET with a total deadline for the whole answer (urllib's `timeout` is per
  read, so a server sending a byte a second never times out), a cap on the body before and
  after decompression, and redirects followed over http(s) only, each hop checked.
- `address_refusal(ip, allow_private)`: why cchc will not connect to an address (SSRF), or None.
  Link-local addresses (169.254.0.0/16, fe80::/10: cloud metadata services) are always refused;
  loopback, private and reserved ones unless private targets are allowed (`--allow-private`, or
  CCHC_ALLOW_PRIVATE=1), which is for local testing. The address is checked after resolution
  and the connection made to that very address, so DNS cannot switch it in between.
"""
from __future__ import annotations

import http.client
import ipaddress
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

from .. import __version__

MAX_BODY = 20 * 1024 * 1024    # bytes, compressed or not: the crawl's DOWNLOAD_MAXSIZE
DEADLINE = 30.0                # seconds for one page: connect, headers, body, every redirect (CCHC_FETCH_DEADLINE)
MAX_REDIRECTS = 10
USER_AGENT = f"cchc/{__version__} (+https://github.com/cchc-project/cchc; administrative-reform research)"


class FetchError(Exception):
    """A URL that could not be fetched; the message says why, in one line."""


class RefusedAddress(FetchError):
    pass


class DeadlineExceeded(FetchError):
    pass


class TooLarge(FetchError):
    pass


class BadRedirect(FetchError):
    pass


def deadline_default() -> float:
    """DEADLINE, or CCHC_FETCH_DEADLINE seconds."""
    try:
        return float(os.environ.get("CCHC_FETCH_DEADLINE") or DEADLINE)
    except ValueError:
        return DEADLINE


def allow_private_default() -> bool:
    return os.environ.get("CCHC_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes")


def address_refusal(ip: str, allow_private: bool = False) -> str | None:
    """Why `ip` may not be fetched, or None when it may."""
    try:
        a = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return f"{ip} is not an IP address"
    if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped:
        a = a.ipv4_mapped
    if a.is_link_local:
        return f"{a} is a link-local address (where cloud metadata services answer); never fetched"
    if a.is_multicast or a.is_unspecified:
        return f"{a} is a {'multicast' if a.is_multicast else 'unspecified'} address"
    if a.is_global or allow_private:
        return None
    kind = "loopback" if a.is_loopback else "private" if a.is_private else "reserved"
    return f"{a} is a {kind} address; pass --allow-private (or set CCHC_ALLOW_PRIVATE=1) to fetch local targets"


class _Guard:
    """One fetch: the address rule for every connection, and the deadline over all of them."""

    def __init__(self, deadline: float, allow_private: bool):
        self.deadline = deadline
        self.allow_private = allow_private
        self.expired = False
        self.socks: list[socket.socket] = []
        self.proxies = {urllib.parse.urlsplit(u).hostname for u in urllib.request.getproxies().values()
                        if isinstance(u, str) and "://" in u}
        self.lock = threading.Lock()

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def check(self, host: str, port: int) -> list:
        """The addresses of `host`, refused if any is not allowed (DNS may rotate onto it)."""
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        refusals = [r for r in (address_refusal(i[4][0], self.allow_private) for i in infos) if r]
        if refusals:
            raise RefusedAddress(refusals[0] if host in refusals[0] else f"{host}: {refusals[0]}")
        return infos

    def create_connection(self, address, timeout=None, source_address=None, **kw):
        host, port = address[0], address[1]
        if host in self.proxies:  # an http_proxy of the environment: the target was checked before
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        else:
            infos = self.check(host, port)
        last: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            sock.settimeout(max(0.01, min(timeout or DEADLINE, self.left())))
            try:
                sock.connect(sockaddr)
            except OSError as e:
                sock.close()
                last = e
                continue
            with self.lock:
                if self.expired:
                    sock.close()
                    raise DeadlineExceeded("deadline passed while connecting")
                self.socks.append(sock)
            return sock
        raise last or OSError(f"cannot connect to {host}")

    def expire(self) -> None:
        """At the deadline: shut every socket, so a blocked read returns at once."""
        with self.lock:
            self.expired = True
            for s in self.socks:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _handlers(guard: _Guard, first_url: str) -> list:
    def connection(base):
        class Guarded(base):
            def __init__(self, *a, **kw):
                super().__init__(*a, **kw)
                self._create_connection = guard.create_connection

        return Guarded

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(connection(http.client.HTTPConnection), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(connection(http.client.HTTPSConnection), req, context=self._context)

    class Targets(urllib.request.BaseHandler):
        """Every request (the first and each redirect) checked before it is opened, so a proxied
        one is checked too."""

        def http_request(self, req):
            parts = urllib.parse.urlsplit(req.full_url)
            try:
                guard.check(parts.hostname or req.host, parts.port or (443 if parts.scheme == "https" else 80))
            except RefusedAddress as e:
                raise RefusedAddress(f"redirect to {req.full_url} refused: {e}" if req.full_url != first_url
                                     else f"refused: {e}") from None
            return req

        https_request = http_request

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def http_error_302(self, req, fp, code, msg, headers):
            location = headers.get("location") or headers.get("uri")
            if location:
                target = urllib.parse.urljoin(req.full_url, location.strip())
                if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise BadRedirect(f"redirect ({code}) to {target} refused: only http and https are followed")
            try:
                return super().http_error_302(req, fp, code, msg, headers)
            except urllib.error.HTTPError as e:
                if "infinite loop" in str(e.msg):
                    raise BadRedirect(f"redirect loop ({code}) at {req.full_url}") from None
                raise

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return [Targets(), HTTP(), HTTPS(), Redirects()]


def _read_capped(resp, max_bytes: int) -> bytes:
    length = resp.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise TooLarge(f"body of {int(length)} bytes is over the {max_bytes}-byte limit")
    parts, size = [], 0
    while True:
        chunk = resp.read1(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"body over the {max_bytes}-byte limit")
        parts.append(chunk)
    return b"".join(parts)


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """gzip or zlib data unpacked, refused past `max_bytes` (a gzip bomb packs 1 GB in 1 MB)."""
    d = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, detected
    out, size = [], 0
    data_left = data
    while data_left and not d.eof:
        chunk = d.decompress(data_left, 65536)
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"body over the {max_bytes}-byte limit once decompressed (a gzip bomb?)")
        out.append(chunk)
        data_left = d.unconsumed_tail
    return b"".join(out)


def fetch_url(url: str, timeout: float | None = None, *, max_bytes: int = MAX_BODY,
              allow_private: bool | None = None) -> tuple[bytes, str]:
    """Fetch one page. Returns (body, final URL); raises FetchError (or an OSError/HTTPError)
    with a one-line reason. `timeout` is the deadline for the whole fetch (deadline_default())."""
    timeout = timeout or deadline_default()
    if allow_private is None:
        allow_private = allow_private_default()
    guard = _Guard(time.monotonic() + timeout, allow_private)
    timer = threading.Timer(timeout, guard.expire)
    timer.daemon = True
    timer.start()
    opener = urllib.request.build_opener(*_handlers(guard, url))
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"})
    try:
        with opener.open(req, timeout=timeout) as resp:
            body = _read_capped(resp, max_bytes)
            final = resp.geturl()
            encoding = resp.headers.get("Content-Encoding", "").lower()
        if guard.expired:
            raise DeadlineExceeded(f"no complete answer within {timeout:g} s")
    except urllib.error.URLError as e:
        if isinstance(e.reason, FetchError):
            raise e.reason from None
        if guard.expired:
            raise DeadlineExceeded(f"no complete answer within {timeout:g} s") from None
        raise
    except (OSError, http.client.HTTPException) as e:
        if guard.expired and not isinstance(e, FetchError):
            raise DeadlineExceeded(f"no complete answer within {timeout:g} s") from None
        raise
    finally:
        timer.cancel()
    if "gzip" in encoding or "deflate" in encoding or body[:2] == b"\x1f\x8b":
        try:
            body = gunzip_capped(body, max_bytes)
        except zlib.error as e:
            raise FetchError(f"broken gzip body ({e})") from None
    return body, final
