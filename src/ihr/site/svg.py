"""The timeline and network pictures, drawn as plain SVG from the site data.

Both are deterministic (same data, same bytes), carry one element per row with `data-` attributes
the page's script filters on, a <title> per mark for people hovering, and a link to the row's page.
The timeline is honest about precision: an event known to the year is drawn across its year, one
known to the month across its month, and only a day-precise event as a tick.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from html import escape

FIRST_YEAR, LAST_YEAR = 1979, 2026


def _x(date: dt.date, left: float, width: float) -> float:
    start = dt.date(FIRST_YEAR, 1, 1).toordinal()
    end = dt.date(LAST_YEAR, 1, 1).toordinal()
    return left + (date.toordinal() - start) / (end - start) * width


def _span_end(date: dt.date, precision: str | None) -> dt.date:
    if precision == "year":
        return dt.date(date.year, 12, 31)
    if precision == "month":
        nxt = dt.date(date.year + (date.month == 12), date.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return date


def timeline_svg(events: list[dict], href_prefix: str = "events/") -> str:
    """One lane per event type; each event a <rect class="event"> spanning what its date says."""
    types = sorted({e["event_type"] for e in events})
    left, width, lane, top = 150, 1000, 18, 30
    height = top + lane * len(types) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 20} {height}" role="img" '
           f'aria-labelledby="tl-title" class="timeline" font-family="sans-serif" font-size="11">',
           f'<title id="tl-title">Timeline of {len(events)} events, {FIRST_YEAR}–{LAST_YEAR - 1}, one lane per event type</title>']
    for year in range(FIRST_YEAR, LAST_YEAR + 1, 5):
        x = _x(dt.date(year, 1, 1), left, width)
        out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 25}" stroke="#ddd"/>'
                   f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{year}</text>')
    for i, t in enumerate(types):
        y = top + i * lane
        out.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(t.replace("_", " "))}</text>')
    for e in events:
        start = e["date_start"]
        if start is None:
            continue
        end = _span_end(e["date_end"], e["date_end_precision"]) if e["date_end"] else _span_end(start, e["date_start_precision"])
        x0, x1 = _x(start, left, width), _x(end + dt.timedelta(days=1), left, width)
        # At this scale a month is under two pixels: a floor per precision keeps a month visibly wider
        # than a day-precise tick, and never narrower than its true extent.
        w = max(x1 - x0, {"day": 1.5, "month": 3.0}.get(e["date_start_precision"] if not e["date_end"] else "", 1.5))
        y = top + types.index(e["event_type"]) * lane + 3
        actors = " ".join(a["actor_id"] for a in e["actors"] or [])
        label = f'{e["date_start_text"]}{" to " + e["date_end_text"] if e["date_end_text"] else ""} ({e["date_start_precision"]}): {e["title"]}'
        out.append(f'<a href="{href_prefix}{escape(e["event_id"])}.html"><rect class="event precision-{e["date_start_precision"]}" '
                   f'x="{x0:.2f}" y="{y}" width="{w:.2f}" height="{lane - 6}" data-event-id="{escape(e["event_id"])}" '
                   f'data-type="{escape(e["event_type"])}" data-year="{start.year}" data-actors="{escape(actors)}" fill="#2b6cb0" fill-opacity="0.75">'
                   f'<title>{escape(label)}</title></rect></a>')
    out.append("</svg>")
    return "\n".join(out)


SUPPORT = {"funds", "arms", "trains", "hosts", "supports_politically", "cooperates_with", "restores_ties_with",
           "plans_with", "directs", "approves", "praises", "controls", "has_foreknowledge_of"}
HOSTILE = {"attacks", "condemns", "designates", "sanctions", "breaks_with", "cuts_support_to", "is_responsible_for"}


def _layout(nodes: list[str], edges: list[tuple[str, str]], seed: int = 7, rounds: int = 300) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold in the unit square, seeded: the same data always gives the same picture."""
    rng = random.Random(seed)
    pos = {n: (rng.random(), rng.random()) for n in nodes}
    k = math.sqrt(1.0 / max(len(nodes), 1))
    temp = 0.1
    for _ in range(rounds):
        disp = {n: [0.0, 0.0] for n in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = math.hypot(dx, dy) or 1e-6
                f = k * k / d
                disp[a][0] += dx / d * f; disp[a][1] += dy / d * f
                disp[b][0] -= dx / d * f; disp[b][1] -= dy / d * f
        for a, b in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = math.hypot(dx, dy) or 1e-6
            f = d * d / k
            disp[a][0] -= dx / d * f; disp[a][1] -= dy / d * f
            disp[b][0] += dx / d * f; disp[b][1] += dy / d * f
        for n in nodes:  # a pull towards the centre keeps unconnected clusters on the page
            disp[n][0] -= (pos[n][0] - 0.5) * 2.0 * k * len(nodes) ** 0.5
            disp[n][1] -= (pos[n][1] - 0.5) * 2.0 * k * len(nodes) ** 0.5
        for n in nodes:
            dx, dy = disp[n]
            d = math.hypot(dx, dy) or 1e-6
            x = min(1.0, max(0.0, pos[n][0] + dx / d * min(d, temp)))
            y = min(1.0, max(0.0, pos[n][1] + dy / d * min(d, temp)))
            pos[n] = (x, y)
        temp *= 0.985
    return pos


def network_svg(edges: list[dict], names: dict[str, str], href_prefix: str = "actors/") -> str:
    """Actors linked by affirmed claims (subject -> object), an edge per predicate with its years."""
    pairs = sorted({(e["source_actor_id"], e["target_actor_id"]) for e in edges if e["source_actor_id"] != e["target_actor_id"]})
    nodes = sorted({n for pair in pairs for n in pair})
    pos = _layout(nodes, pairs)
    size, pad = 900, 60
    xy = {n: (pad + x * (size - 2 * pad), pad + y * (size - 2 * pad)) for n, (x, y) in pos.items()}
    degree = {n: 0 for n in nodes}
    for a, b in pairs:
        degree[a] += 1; degree[b] += 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-labelledby="nw-title" '
           f'class="network" font-family="sans-serif" font-size="10">',
           f'<title id="nw-title">Network of {len(nodes)} actors linked by {len(edges)} kinds of affirmed claim</title>',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
           '<path d="M 0 0 L 10 5 L 0 10 z" fill="#888"/></marker></defs>']
    for e in edges:
        a, b = e["source_actor_id"], e["target_actor_id"]
        if a == b:
            continue
        kind = "support" if e["predicate"] in SUPPORT else "hostile" if e["predicate"] in HOSTILE else "other"
        colour = {"support": "#2b6cb0", "hostile": "#c53030", "other": "#718096"}[kind]
        (x0, y0), (x1, y1) = xy[a], xy[b]
        basis = "affirming claim(s)" if e.get("basis", "claims") == "claims" else "recorded event(s)"
        label = f'{names.get(a, a)} {e["predicate"].replace("_", " ")} {names.get(b, b)}: {e["n_affirming"]} {basis}, {e["first_year"]}–{e["last_year"]}'
        out.append(f'<line class="edge {kind}" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                   f'stroke="{colour}" stroke-opacity="0.6" stroke-width="{min(1 + e["n_affirming"] * 0.6, 6):.1f}" marker-end="url(#arrow)" '
                   f'data-predicate="{e["predicate"]}" data-first-year="{e["first_year"] or ""}" data-last-year="{e["last_year"] or ""}">'
                   f'<title>{escape(label)}</title></line>')
    for n in nodes:
        x, y = xy[n]
        r = 4 + min(degree[n], 20) * 0.6
        out.append(f'<a href="{href_prefix}{escape(n)}.html"><circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#2d3748" data-actor-id="{escape(n)}">'
                   f'<title>{escape(names.get(n, n))}</title></circle>'
                   f'<text x="{x + r + 2:.1f}" y="{y + 3:.1f}">{escape(names.get(n, n))}</text></a>')
    out.append("</svg>")
    return "\n".join(out)
