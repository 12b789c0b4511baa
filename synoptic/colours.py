"""Colours the board can draw, checked without Qt: what ``QColor`` and Qt style sheets read.

``#rgb``, ``#rrggbb``, ``#aarrggbb`` (alpha first, as Qt reads it), ``#rrrgggbbb``,
``#rrrrggggbbbb`` and the SVG colour keywords (the list Qt's ``QColor::colorNames()``
returns, plus ``transparent``), in any case.  The core cannot import Qt: the list is here.
"""

from __future__ import annotations

import re

__all__ = ["COLOUR_EXPECTED", "SVG_COLOUR_NAMES", "normalise_colour"]

# The 147 SVG 1.1 colour keywords (https://www.w3.org/TR/SVG11/types.html#ColorKeywords).
SVG_COLOUR_NAMES = frozenset(
    ["aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black", "blanchedalmond", "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse", "chocolate", "coral", "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue", "darkcyan", "darkgoldenrod", "darkgray", "darkgreen", "darkgrey", "darkkhaki", "darkmagenta", "darkolivegreen", "darkorange", "darkorchid", "darkred", "darksalmon", "darkseagreen", "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise", "darkviolet", "deeppink", "deepskyblue", "dimgray", "dimgrey", "dodgerblue", "firebrick", "floralwhite", "forestgreen", "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod", "gray", "grey", "green", "greenyellow", "honeydew", "hotpink", "indianred", "indigo", "ivory", "khaki", "lavender", "lavenderblush", "lawngreen", "lemonchiffon", "lightblue", "lightcoral", "lightcyan", "lightgoldenrodyellow", "lightgray", "lightgreen", "lightgrey", "lightpink", "lightsalmon", "lightseagreen", "lightskyblue", "lightslategray", "lightslategrey", "lightsteelblue", "lightyellow", "lime", "limegreen", "linen", "magenta", "maroon", "mediumaquamarine", "mediumblue", "mediumorchid", "mediumpurple", "mediumseagreen", "mediumslateblue", "mediumspringgreen", "mediumturquoise", "mediumvioletred", "midnightblue", "mintcream", "mistyrose", "moccasin", "navajowhite", "navy", "oldlace", "olive", "olivedrab", "orange", "orangered", "orchid", "palegoldenrod", "palegreen", "paleturquoise", "palevioletred", "papayawhip", "peachpuff", "peru", "pink", "plum", "powderblue", "purple", "red", "rosybrown", "royalblue", "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell", "sienna", "silver", "skyblue", "slateblue", "slategray", "slategrey", "snow", "springgreen", "steelblue", "tan", "teal", "thistle", "tomato", "turquoise", "violet", "wheat", "white", "whitesmoke", "yellow", "yellowgreen"]
)
_EXTRA_NAMES = frozenset({"transparent"})  # Qt reads it too
_HEX_RE = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8}|[0-9a-f]{9}|[0-9a-f]{12})")

COLOUR_EXPECTED = (
    "une couleur #rgb, #rrggbb, #aarrggbb ou un nom de couleur SVG (red, orange, "
    "darkslategray...)"
)


def normalise_colour(text: str) -> str | None:
    """``text`` in lower case when Qt can draw it, else ``None``."""
    folded = text.strip().lower()
    if _HEX_RE.fullmatch(folded) or folded in SVG_COLOUR_NAMES or folded in _EXTRA_NAMES:
        return folded
    return None
