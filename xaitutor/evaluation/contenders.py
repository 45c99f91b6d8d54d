"""The methods chapter 6's table measures: every declared method whose result is a map of the
picture (:data:`~xaitutor.methods.protocol.MAP_KINDS`), each with the options its declaration
gives for the 64 x 64 shapes (``shapes``) and a 224 x 224 photo for efficientnet_lite0
(``photo``). The black-box methods hide a superpixel or a window by turning it black on the shapes
(chapter 5's shortcut lab shows why: the shortcut model reads the background's colour, which the
mean colour would keep). A new method declared with these options is a new row (``make table``)."""

from __future__ import annotations

from ..methods.protocol import MAP_KINDS, Method, declared

CONTENDERS: list[Method] = declared(MAP_KINDS)


def contender(name: str) -> Method:
    """The contender called ``name`` (as in the table)."""
    for c in CONTENDERS:
        if c.name == name:
            return c
    raise KeyError(f"no method {name!r} in the table; known: {', '.join(c.name for c in CONTENDERS)}")
