"""What the sessions page says about a signed-in browser: its device, summarised from the
User-Agent by the maintained ``ua-parser`` rules, and its network, the client address with its
last part masked. The full address is never kept on the session, nor shown.
"""

from __future__ import annotations

import ipaddress

from ua_parser import parse

# Between the browser and the system in the stored summary, e.g. "Chrome · Android"; product
# names read the same in both languages, and the page puts them into a translated sentence.
SEPARATOR = " · "
DEVICE_LENGTH = 120
# Each of the two parts, so that both fit in DEVICE_LENGTH with the separator.
PART_LENGTH = (DEVICE_LENGTH - len(SEPARATOR)) // 2
NETWORK_LENGTH = 64
# Bits of an IPv6 address kept: a /48 is one site's allocation, not one machine.
IPV6_PREFIX = 48

# ua-parser's families, as a person names the browser on their own device.
_BROWSERS = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Android WebView",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
    "Samsung Internet": "Samsung Internet",
}
_SYSTEMS = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
# On iOS the device says more than the system: "Safari on iPhone".
_APPLE_DEVICES = ("iPhone", "iPad", "iPod")


def describe_device(agent: str | None) -> str:
    """"Chrome · Android", "Safari · iPhone", "Firefox · Windows"; a part not known is left
    empty ("Chrome · "), and the whole is "" when the User-Agent names neither."""
    if not agent:
        return ""
    result = parse(agent)
    browser = result.user_agent.family if result.user_agent else ""
    browser = _BROWSERS.get(browser, browser)
    system = result.os.family if result.os else ""
    if system == "iOS" and result.device and result.device.family in _APPLE_DEVICES:
        system = result.device.family
    system = _SYSTEMS.get(system, system)
    parts = ["" if part == "Other" else part for part in (browser, system)]
    if not any(parts):
        return ""
    return SEPARATOR.join(part[:PART_LENGTH] for part in parts)


def mask_address(address: str | None) -> str:
    """203.0.113.x for IPv4, 2001:db8:85a3::/48 for IPv6, "" for anything else."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address):
        return ".".join(str(ip).split(".")[:3]) + ".x"
    network = ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False)
    return str(network)[:NETWORK_LENGTH]


def device_parts(device: str) -> tuple[str, str]:
    """The browser and the system of a stored summary; either may be ""."""
    browser, _, system = device.partition(SEPARATOR)
    return browser, system
