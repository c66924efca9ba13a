"""What a reader cannot see: text coloured like its background, CSS that hides it, type too small to
read. Hidden text is where prompt injections hide ("white text that tells the AI to..."), so the
DOCX, HTML and Markdown parsers leave it out of the index and say how much they left out.

`aria-hidden` is not here on purpose: it hides an element from screen readers, not from the eye.
"""

from __future__ import annotations

import re

RGBA = tuple[int, int, int, float]
WHITE: RGBA = (255, 255, 255, 1.0)
BLACK: RGBA = (0, 0, 0, 1.0)

# Text whose contrast with its background is below this cannot be read (white on white is 1.0;
# WCAG asks at least 4.5 of body text, and light grey EEEEEE on white is 1.16).
MIN_CONTRAST = 1.2
# Type at or under 2 points cannot be read: DOCX sizes are in half-points.
TINY_PT = 2.0

NAMED: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "black": (0, 0, 0),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "lime": (0, 255, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "cyan": (0, 255, 255),
    "aqua": (0, 255, 255),
    "magenta": (255, 0, 255),
    "fuchsia": (255, 0, 255),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "silver": (192, 192, 192),
    "maroon": (128, 0, 0),
    "navy": (0, 0, 128),
    "olive": (128, 128, 0),
    "purple": (128, 0, 128),
    "teal": (0, 128, 128),
    "orange": (255, 165, 0),
    "snow": (255, 250, 250),
    "ivory": (255, 255, 240),
    "whitesmoke": (245, 245, 245),
    "ghostwhite": (248, 248, 255),
    "floralwhite": (255, 250, 240),
    "mintcream": (245, 255, 250),
    "azure": (240, 255, 255),
    "aliceblue": (240, 248, 255),
    "seashell": (255, 245, 238),
    "linen": (250, 240, 230),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "gainsboro": (220, 220, 220),
    "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169),
    "darkblue": (0, 0, 139),
    "darkred": (139, 0, 0),
    "darkgreen": (0, 100, 0),
    "darkcyan": (0, 139, 139),
    "darkmagenta": (139, 0, 139),
    "darkyellow": (128, 128, 0),
}


def parse_colour(value: str | None) -> RGBA | None:
    """A CSS or Word colour ('#fff', 'FFFFFF', 'rgb(255 255 255)', 'rgba(0,0,0,0)', 'white',
    'transparent') as RGBA; None for 'auto', 'inherit', theme colours and anything unknown."""
    if not value:
        return None
    v = value.strip().lower().removesuffix("!important").strip()
    if v == "transparent":
        return (0, 0, 0, 0.0)
    if v in NAMED:
        return (*NAMED[v], 1.0)
    m = re.fullmatch(r"#?([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})", v)
    if m:
        h = m.group(1)
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h)
        alpha = int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha)
    m = re.fullmatch(r"rgba?\(\s*([\d.]+%?)[\s,]+([\d.]+%?)[\s,]+([\d.]+%?)(?:[\s,/]+([\d.]+%?))?\s*\)", v)
    if m:

        def channel(x: str) -> int:
            return round(float(x[:-1]) * 2.55) if x.endswith("%") else round(float(x))

        a = m.group(4)
        alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
        return (channel(m.group(1)), channel(m.group(2)), channel(m.group(3)), alpha)
    return None


def _luminance(c: RGBA) -> float:
    def lin(x: int) -> float:
        s = x / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def invisible_on(text: RGBA | None, background: RGBA | None) -> bool:
    """Text of this colour cannot be seen on this background (transparent text never can)."""
    if text is None:
        return False
    if text[3] == 0:
        return True
    background = background if background is not None and background[3] > 0 else WHITE
    hi, lo = sorted((_luminance(text), _luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05) < MIN_CONTRAST


def css_declarations(style: str | None) -> dict[str, str]:
    """'color: #fff; Display:none !important' -> {'color': '#fff', 'display': 'none !important'}."""
    out: dict[str, str] = {}
    for part in (style or "").split(";"):
        name, sep, value = part.partition(":")
        if sep and name.strip():
            out[name.strip().lower()] = value.strip().lower()
    return out


def _plain(value: str) -> str:
    return value.removesuffix("!important").strip()


def _length_px(value: str) -> float | None:
    m = re.fullmatch(r"(-?[\d.]+)(px|pt|em|rem|%|)?", _plain(value))
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2) or "px"
    return number * {"px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "%": 0.16}[unit]


def tiny_font(value: str | None, parent_tiny: bool = False) -> bool:
    """A CSS font-size at or under 2pt; relative sizes stay tiny under a tiny parent."""
    if not value:
        return parent_tiny
    v = _plain(value)
    if parent_tiny and re.fullmatch(r"[\d.]+(em|%)|smaller|larger|inherit", v):
        return True
    px = _length_px(v)
    return px is not None and px <= TINY_PT * 4 / 3


def css_hides(decls: dict[str, str]) -> str | None:
    """Why these declarations hide an element and everything in it, whatever its children say
    (display, opacity, zero size, clipping, off-screen positioning); None when they do not."""
    display = _plain(decls.get("display", ""))
    if display == "none":
        return "display:none"
    opacity = _plain(decls.get("opacity", ""))
    if re.fullmatch(r"0*\.?0*%?", opacity) and opacity:
        return "opacity:0"
    if re.search(r"scale\(\s*0(?:\.0*)?\s*[,)]", decls.get("transform", "")):
        return "transform:scale(0)"
    for side in ("left", "top", "right", "text-indent", "margin-left", "margin-top"):
        px = _length_px(decls.get(side, "") or "x")
        if px is not None and px <= -500:
            return f"{side} off-screen"
    overflow = _plain(decls.get("overflow", ""))
    if overflow in ("hidden", "clip"):
        for side in ("width", "height", "max-width", "max-height"):
            px = _length_px(decls.get(side, "") or "x")
            if px is not None and px <= 1:
                return f"{side}:0 with overflow hidden"
    clip = decls.get("clip", "") + " " + decls.get("clip-path", "")
    if re.search(
        r"rect\(\s*[01](?:px)?[\s,]+[01](?:px)?[\s,]+[01](?:px)?[\s,]+[01](?:px)?\s*\)|inset\(\s*50%", clip
    ):
        return "clipped"
    return None


def tag_hides(attrs: dict[str, str], background: RGBA = WHITE) -> str | None:
    """Why one HTML tag's own attributes hide its content (hidden, a hiding inline style, tiny type,
    or text coloured like the background); None when they do not. For raw HTML inside Markdown."""
    if "hidden" in attrs:
        return "hidden attribute"
    decls = css_declarations(attrs.get("style"))
    reason = css_hides(decls)
    if reason:
        return reason
    if _plain(decls.get("visibility", "")) in ("hidden", "collapse"):
        return "visibility:hidden"
    if tiny_font(decls.get("font-size")):
        return "font-size"
    bg = parse_colour(decls.get("background-color")) or _background(decls.get("background")) or background
    colour = parse_colour(decls.get("color")) or parse_colour(attrs.get("color"))
    if invisible_on(colour, bg):
        return "same colour as the background"
    return None


def _background(value: str | None) -> RGBA | None:
    """The colour in a `background` shorthand ('#fff url(x.png) no-repeat')."""
    for word in re.findall(r"rgba?\([^)]*\)|#[0-9a-f]{3,8}\b|[a-z]+", (value or "").lower()):
        colour = parse_colour(word)
        if colour is not None:
            return colour
    return None


def background_of(decls: dict[str, str], attrs: dict[str, str]) -> RGBA | None:
    """The background colour an element sets (CSS or the old `bgcolor` attribute), if any."""
    return (
        parse_colour(decls.get("background-color"))
        or _background(decls.get("background"))
        or parse_colour(attrs.get("bgcolor"))
    )


def hidden_warning(count: int, what: str) -> str:
    s = "" if count == 1 else "s"
    return (
        f"{count} hidden {what}{s} (invisible to a reader: hidden, same colour as the background or too "
        f"small to read) were not indexed"
    )
