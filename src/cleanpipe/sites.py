"""Site profiles: per-site knowledge as data, for the pages of one host.

A profile is a TOML file in a folder named by ``Config.site_profile_dirs`` (none by default)::

    host = "news.example.com"      # this host and its subdomains (www. and the like)
    version = 1                    # raise it when the profile changes
    why = "the story sits in div.story-body; teasers and the paywall box are asides"
    body = "//div[@class='story-body']"                 # optional: extraction reads this element alone
    drop = ["//aside", "//div[contains(@class, 'paywall')]"]  # optional: removed before extraction

Both are XPath 1.0 expressions on the parsed page. ``drop`` removes every element it
matches; ``body``, when it matches, narrows the page to its first match, as if that
element were the whole body. A profile that matches nothing leaves the page as it is, so
a redesign of the site degrades to the generic extraction, never to an empty record.

Profiles are off by default: each is written for one site's markup, and no profile helps
pages of hosts it was not written for (README, "HTML pages"). They are for a user's own
feeds, whose sites they know.
"""

import functools
import tomllib
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html as lxml_html

from cleanpipe.errors import ConfigError

_KEYS = {"host", "version", "why", "body", "drop"}


@dataclass(frozen=True)
class SiteProfile:
    """One site's profile (see the module docstring)."""

    host: str
    version: int
    why: str
    body: etree.XPath | None
    drop: tuple[etree.XPath, ...]
    path: str


@functools.lru_cache(maxsize=8)
def load_site_profiles(dirs: tuple[str, ...]) -> dict[str, SiteProfile]:
    """Load and compile every ``*.toml`` profile under ``dirs``, once per process.

    Args:
        dirs: folders of profiles (``Config.site_profile_dirs``).

    Returns:
        Host (lower case, without ``www.``) -> its profile.

    Raises:
        ConfigError: a missing folder, a malformed file, a bad XPath, or two profiles for one host.
    """
    profiles: dict[str, SiteProfile] = {}
    for folder in dirs:
        root = Path(folder)
        if not root.is_dir():
            raise ConfigError(f"site profile folder {folder!r} does not exist")
        for path in sorted(root.glob("*.toml")):
            profile = _load_profile(path)
            if profile.host in profiles:
                raise ConfigError(f"{path}: host {profile.host!r} has a profile already ({profiles[profile.host].path})")
            profiles[profile.host] = profile
    return profiles


def _load_profile(path: Path) -> SiteProfile:
    """One profile file, validated and compiled."""
    try:
        spec = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    unknown = sorted(set(spec) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown keys {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    host, version, why = spec.get("host"), spec.get("version"), spec.get("why", "")
    if not isinstance(host, str) or not host.strip() or "/" in host:
        raise ConfigError(f"{path}: host must be a host name such as 'news.example.com'")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigError(f"{path}: version must be a whole number from 1")
    body, drop = spec.get("body"), spec.get("drop", [])
    if body is not None and not isinstance(body, str):
        raise ConfigError(f"{path}: body must be one XPath expression")
    if not isinstance(drop, list) or not all(isinstance(x, str) for x in drop):
        raise ConfigError(f"{path}: drop must be a list of XPath expressions")
    if body is None and not drop:
        raise ConfigError(f"{path}: a profile needs body or drop")
    return SiteProfile(host=_normal_host(host), version=version, why=str(why), body=_xpath(body, path) if body else None,
                       drop=tuple(_xpath(x, path) for x in drop), path=str(path))


def _xpath(expression: str, path: Path) -> etree.XPath:
    """A compiled XPath, or a ConfigError naming the file."""
    try:
        return etree.XPath(expression)
    except etree.XPathSyntaxError as exc:
        raise ConfigError(f"{path}: bad XPath {expression!r}: {exc}") from exc


def _normal_host(host: str) -> str:
    """Lower case, no port, no leading ``www.``."""
    return host.strip().lower().split(":")[0].removeprefix("www.")


def profile_for(url: str | None, profiles: dict[str, SiteProfile]) -> SiteProfile | None:
    """The profile for a page's URL: its host's, else the nearest parent domain's; None without one."""
    if not url or not profiles:
        return None
    host = _normal_host(url.split("://", 1)[-1].split("/", 1)[0].split("@")[-1])
    while host:
        if host in profiles:
            return profiles[host]
        host = host.partition(".")[2]
    return None


def apply_profile(tree, profile: SiteProfile):
    """The page narrowed to the profile's body (if it matches) with its drop blocks removed.

    Args:
        tree: the parsed page (left unchanged when ``body`` matches: the body is copied).
        profile: the site's profile.

    Returns:
        The tree extraction should read: ``tree`` itself, pruned, or a new page holding the body.
    """
    if profile.body is not None:
        found = [node for node in profile.body(tree) if isinstance(node, lxml_html.HtmlElement)]
        if found:
            page = lxml_html.Element("html")
            etree.SubElement(page, "body").append(deepcopy(found[0]))  # the copy: its tail stays behind
            tree = page
    for expression in profile.drop:
        for node in expression(tree):
            if isinstance(node, lxml_html.HtmlElement) and node.getparent() is not None:
                node.drop_tree()  # the element and its content; the text after it stays
    return tree
