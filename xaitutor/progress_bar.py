"""The loop of every method that runs many passes (deletion curves, LIME's samples, integrated
gradients, SmoothGrad, occlusion, Score-CAM, RISE, feature visualization's steps): a progress bar
that Ctrl-C stops, leaving the partial result to the code after the block, with a warning that
says how far it got. Pressed before the first batch is
done, Ctrl-C goes on as it would without the bar: there is nothing to give back, and an empty
result (an all-zero map) would look like an answer."""

from __future__ import annotations

import warnings
from contextlib import contextmanager

from tqdm.auto import tqdm


class Progress:
    """What :func:`interruptible` yields: ``update(n)`` after each batch, ``done`` items, ``interrupted``."""

    def __init__(self, bar):
        self.bar, self.done, self.interrupted = bar, 0, False

    def update(self, n: int = 1) -> None:
        self.done += n
        self.bar.update(n)


@contextmanager
def interruptible(total: int, desc: str, enabled: bool = True, unit: str = "picture", partial: str = ""):
    """A progress bar (``tqdm.auto``) for a loop over ``total`` items, which Ctrl-C ends early.

    Yields a :class:`Progress`. On Ctrl-C the block stops, a warning says how far it got and
    (``partial``) what the result then holds, and the code after the block carries on; before any
    item is done, the ``KeyboardInterrupt`` goes on instead.
    """
    bar = Progress(tqdm(total=total, desc=desc, unit=unit, disable=not enabled))
    try:
        yield bar
    except KeyboardInterrupt:
        if bar.done == 0:
            raise
        bar.interrupted = True
        warnings.warn(
            f"{desc} interrupted after {bar.done} of {total} {unit}s{': ' + partial if partial else ''}", stacklevel=3
        )
    finally:
        bar.bar.close()
