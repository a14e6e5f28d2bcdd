"""Which webhook URLs may be called: http(s) only, and unless ``CRM_WEBHOOKS_ALLOW_PRIVATE``
says otherwise, none whose host resolves to a private, loopback, link-local or otherwise
non-public address (the server would call into its own network for whoever registers it)."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from crm.errors import InvalidInput

SCHEMES = ("http", "https")
MAX_URL = 2000


class PrivateAddress(InvalidInput):
    """The URL's host resolves to an address outside the public internet."""


async def check_url(url: str, allow_private: bool) -> str:
    """``url`` if it may be called; else ``InvalidInput`` (``PrivateAddress`` for a host that
    resolves to a non-public address)."""
    if len(url) > MAX_URL:
        raise InvalidInput(f"a URL of at most {MAX_URL} characters")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise InvalidInput(f"not a URL: {error}") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise InvalidInput("an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("no user name or password in the URL; the signature authenticates")
    if allow_private:
        return url
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except OSError as error:
        raise InvalidInput(f"{parts.hostname} does not resolve: {error}") from None
    for *_, address in found:
        if not is_public(str(address[0])):
            raise PrivateAddress(
                f"{parts.hostname} resolves to {address[0]}, a private, loopback or link-local "
                "address; CRM_WEBHOOKS_ALLOW_PRIVATE=true allows such addresses"
            )
    return url


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
