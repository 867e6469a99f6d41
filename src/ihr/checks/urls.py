"""What makes two urls name one document, and which query parameters only track the reader."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

# Query parameters that say how a reader arrived, not which document it is; `height` and `width`
# count only beside a thickbox `TB_iframe`, whose pop-up size they set.
TRACKING_PARAMETERS = re.compile(r"^(utm_[a-z_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|_ga|_gl|yclid|tb_iframe"
    r"|traffic_source|maca|taid|smid|ocid|cmpid|ref_src)$", re.I)
THICKBOX_PARAMETERS = frozenset({"height", "width"})


def tracking_free(url: str) -> tuple[str, list[str]]:
    """The url without its tracking parameters, and the tracking parameters it had; the rest of
    the url is kept byte for byte (the query is filtered, not re-encoded)."""
    parts = urlsplit(url)
    pieces = [p for p in parts.query.split("&") if p]
    names = [unquote_plus(p.split("=", 1)[0]) for p in pieces]
    thickbox = any(n.lower() == "tb_iframe" for n in names)
    dropped = [n for n in names if TRACKING_PARAMETERS.match(n) or (thickbox and n.lower() in THICKBOX_PARAMETERS)]
    if not dropped:
        return url, []
    kept = [p for p, n in zip(pieces, names) if n not in dropped]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), parts.fragment)), dropped


def url_key(url: str) -> str:
    """One key for every spelling of a url: scheme, `www.`, case of the host, trailing slash,
    fragment and tracking parameters do not tell documents apart."""
    clean, _ = tracking_free(url.strip())
    parts = urlsplit(clean)  # the fragment is left out below
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")
