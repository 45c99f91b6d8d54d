"""The loop of the methods that run many passes: a progress bar that Ctrl-C stops, keeping what was
done, and that lets a Ctrl-C before anything was done go on."""

import warnings

import pytest

from xaitutor.progress_bar import interruptible


def test_progress_stops_on_ctrl_c_and_keeps_what_was_done():
    done = []
    with pytest.warns(UserWarning, match=r"steps interrupted after 4 of 10 pictures: the curves stop there"):
        with interruptible(10, "steps", enabled=False, partial="the curves stop there") as bar:
            for batch in range(5):
                if batch == 2:
                    raise KeyboardInterrupt
                done.append(batch)
                bar.update(2)
    assert done == [0, 1] and bar.interrupted and bar.done == 4
    with interruptible(3, "all", enabled=False) as bar:
        bar.update(3)
    assert not bar.interrupted and bar.done == 3


def test_ctrl_c_before_the_first_batch_goes_on_without_a_result():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning of "0 of 10" done
        with pytest.raises(KeyboardInterrupt):
            with interruptible(10, "steps", enabled=False):
                raise KeyboardInterrupt
