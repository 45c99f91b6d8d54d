"""Time each explorer's redraw, from the control's change to the figure drawn: the explorers as
they were (``xaitutor/widgets`` at ``--before``, read from git and imported beside today's) against
today's, and the computation the change needs (the floor), in one run.

A change is a control set from Python as the browser sets it; ipywidgets calls the observers at
once, so the time until the assignment returns is the time until the new picture is encoded in the
output area. The trip to the browser is not counted (its size is printed: kB of base64).

    explorer                change                                    floor
    Grad-CAM (the cat)      a new class, not cached                   xt.gradcam, same picture and class
                            a class in its cache                      -
                            a method already computed (Grad-CAM/saliency) -
                            a degradation (noise): a new picture      top-5 forward + xt.gradcam
    LIME (the cat)          a new number of superpixels shown         -
    toolbox (cat_and_coffee) a new fast method (cache emptied first)  the method itself
                            a method in its cache                     -
    feature visualization   a new picture from the gallery (new)      reading its PNG
    chapter 1               gradient descent's learning rate          the descent
                            the receptive field's layers              the measurement
                            the playground's kernel                   the filtering

Goals (issue 23): a median of at most 100 ms where no forward pass is needed, at most the floor
(one forward and one backward) + 50 ms otherwise. Then the rendering choices on the Grad-CAM figure:
a full draw against drawing only the map, PNG against JPEG, the resolution, a tight savefig.

    .venv/bin/python bench/explorer_latency.py                 # 20 repetitions, 2 threads
    .venv/bin/python bench/explorer_latency.py --repeats 30 --before c184d52

Before and today run in turn within each repetition (a rotating order, with the floor), so a change
of load hits all three; each time is the median of the repetitions with its minimum and maximum.
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import torch  # noqa: E402 (after the backend is chosen)

import xaitutor as xt  # noqa: E402
from xaitutor import background as bg  # noqa: E402
from xaitutor.evaluation.contenders import contender  # noqa: E402
from xaitutor.methods.degradation import add_noise  # noqa: E402
from xaitutor.methods.featurevis import gallery  # noqa: E402
from xaitutor.widgets import figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "c184d52"  # the widgets before the explorers kept their figures
FAST = ["saliency", "input x gradient", "guided backprop", "Grad-CAM++", "LayerCAM", "Grad-CAM"]
MODULES = ("common", "background", "gradcam", "lime", "toolbox", "featurevis")


def widgets_at(rev: str):
    """``xaitutor/widgets`` as it was at ``rev``, imported as ``xaitutor.widgets_before`` (its
    relative imports reach today's package, and its own modules)."""
    name = "xaitutor.widgets_before"
    package = types.ModuleType(name)
    package.__path__ = []
    sys.modules[name] = package
    for module in MODULES:
        path = f"xaitutor/widgets/{module}.py"
        source = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True)
        loaded = types.ModuleType(f"{name}.{module}")
        loaded.__package__, loaded.__file__ = name, f"{rev}:{path}"
        sys.modules[loaded.__name__] = loaded
        exec(compile(source.stdout, loaded.__file__, "exec"), loaded.__dict__)
        setattr(package, module, loaded)
    if not hasattr(contender("Grad-CAM"), "method"):  # the old toolbox on today's method declarations
        package.toolbox.contender = lambda name: _Entry(contender(name))
        package.toolbox.starts_from_picture = lambda entry: entry.starts_from_picture
    return package


class _Entry:
    """A method's declaration under the name the old toolbox explorer read it by (``.method``)."""

    def __init__(self, declared):
        self._declared = declared

    def __getattr__(self, name):
        return self if name == "method" else getattr(self._declared, name)


def shown(output) -> str:
    """The picture an output area shows (base64)."""
    data = output.outputs[0]["data"] if output.outputs else {}
    return next((v for k, v in data.items() if k.startswith("image/")), "")


# Each case: setup(W, clf) -> (change(i), output or a function returning what is shown); the
# change must show something new. floor(clf, i) times what the change has to compute.
def gradcam_new_class(W, clf):
    ex = W.gradcam.GradCamExplorer(clf, "chelsea")
    options = ex.classes.search.options
    return lambda i: setattr(ex.classes.search, "value", options[300 + i]), ex.output


def gradcam_cached_class(W, clf):
    ex = W.gradcam.GradCamExplorer(clf, "chelsea")
    options = ex.classes.search.options
    for c in (281, 285):
        ex.classes.search.value = options[c]
    return lambda i: setattr(ex.classes.search, "value", options[(281, 285)[i % 2]]), ex.output


def gradcam_cached_method(W, clf):
    ex = W.gradcam.GradCamExplorer(clf, "chelsea")
    for method in ("Saliency", "Grad-CAM"):
        ex.method.value = method
    return lambda i: setattr(ex.method, "value", ("Saliency", "Grad-CAM")[i % 2]), ex.output


def gradcam_noise(W, clf):
    ex = W.gradcam.GradCamExplorer(clf, "chelsea")
    return lambda i: setattr(ex.noise, "value", (0.05, 0.1, 0.15)[i % 3]), ex.output


def lime_superpixels(W, clf):
    ex = W.lime.LimeExplorer(clf, "chelsea", num_samples=100)
    ex.explain()
    return lambda i: setattr(ex.k, "value", 1 + i % 5), ex.output


def toolbox_new_method(W, clf):
    ex = W.toolbox.ToolboxExplorer(clf, "cat_and_coffee", "Grad-CAM")

    def change(i):
        ex._cache.clear()  # a method not computed yet; the clearing is timed too (nothing)
        ex.method.value = FAST[i % len(FAST)]

    return change, ex.output


def toolbox_cached_method(W, clf):
    ex = W.toolbox.ToolboxExplorer(clf, "cat_and_coffee", "Grad-CAM")
    ex.method.value = "saliency"
    return lambda i: setattr(ex.method, "value", ("Grad-CAM", "saliency")[i % 2]), ex.output


def featurevis_gallery(W, clf):
    ex = W.featurevis.FeatureVisExplorer(clf)
    if not hasattr(ex, "gallery"):
        return None  # before: no gallery in the explorer
    options = [value for _, value in ex.gallery.options if value is not None]
    return lambda i: setattr(ex.gallery, "value", options[i % len(options)]), lambda: ex.picture.value


def descent_rate(W, clf):
    ex = W.background.GradientDescentExplorer(lr=0.3)
    return lambda i: setattr(ex.lr, "value", (0.05, 0.1, 0.3, 0.6, 0.9, 1.05)[i % 6]), ex.output


def receptive_layers(W, clf):
    ex = W.background.ReceptiveFieldExplorer()
    return lambda i: setattr(ex.layers, "value", 1 + i % 6), ex.output


def playground_kernel(W, clf):
    ex = W.background.ConvolutionPlayground(photo="chelsea")
    names = [name for name in bg.KERNELS if name != "mean 3x3"] + ["mean 3x3"]
    return lambda i: setattr(ex.preset, "value", names[i % len(names)]), ex.output


def floors(clf):
    """name -> floor(i): what each change computes, on the same inputs."""
    cat = xt.data.sample_image("chelsea")
    x = clf.preprocess(cat)
    picture = xt.imaging.to_tensor(cat)
    pair = clf.preprocess(xt.data.sample_image("cat_and_coffee"))
    target = clf.top_classes(xt.data.sample_image("cat_and_coffee"), k=1)[0][0]
    files = [path for name in gallery.ENTRIES for path in gallery.files(name)]
    noisy = [add_noise(picture, s, seed=0) for s in (0.05, 0.1, 0.15)]
    kernels = [name for name in bg.KERNELS if name != "mean 3x3"] + ["mean 3x3"]
    f, x0 = bg.parabola, [1.5]

    def toolbox(i):
        entry = contender(FAST[i % len(FAST)])
        return entry.quiet(clf, pair, target=target, **entry.photo)

    return {
        "gradcam_new_class": lambda i: xt.gradcam(clf, x, target=300 + i),
        "gradcam_noise": lambda i: (
            clf.top_classes(noisy[i % 3], k=5),
            xt.gradcam(clf, clf.preprocess(noisy[i % 3]), target=285),
        ),
        "toolbox_new_method": toolbox,
        "featurevis_gallery": lambda i: files[i % len(files)].read_bytes(),
        "descent_rate": lambda i: bg.gradient_descent(f, x0, (0.05, 0.1, 0.3, 0.6, 0.9, 1.05)[i % 6], 20),
        "receptive_layers": lambda i: bg.receptive_field(
            bg.stacked_convs(1 + i % 6, 3), input_size=bg.receptive_field_size(1 + i % 6, 3) + 8
        ),
        "playground_kernel": lambda i: bg.displayable(
            bg.filter_image(picture, bg.KERNELS[kernels[i % 8]], "nearest"), bg.KERNELS[kernels[i % 8]]
        ),
    }


CASES = {  # name -> (setup, label, needs a forward pass)
    "gradcam_new_class": (gradcam_new_class, "Grad-CAM: a new class", True),
    "gradcam_cached_class": (gradcam_cached_class, "Grad-CAM: a class in its cache", False),
    "gradcam_cached_method": (gradcam_cached_method, "Grad-CAM: a method computed", False),
    "gradcam_noise": (gradcam_noise, "Grad-CAM: noise (a new picture)", True),
    "lime_superpixels": (lime_superpixels, "LIME: superpixels shown", False),
    "toolbox_new_method": (toolbox_new_method, "toolbox: a new fast method", True),
    "toolbox_cached_method": (toolbox_cached_method, "toolbox: a method in its cache", False),
    "featurevis_gallery": (featurevis_gallery, "feature vis.: a gallery picture", False),
    "descent_rate": (descent_rate, "ch. 1 descent: learning rate", False),
    "receptive_layers": (receptive_layers, "ch. 1 receptive field: layers", False),
    "playground_kernel": (playground_kernel, "ch. 1 playground: kernel", False),
}


def timed(fn, i) -> float:
    start = time.perf_counter()
    fn(i)
    return (time.perf_counter() - start) * 1000


def spread(times) -> str:
    if not times:
        return f"{'-':>21}"
    return f"{statistics.median(times):6.1f} ({min(times):5.1f}-{max(times):6.1f})"


def measure(name, sides, clf, floor, repeats):
    """Times (ms) of the change on each side and of the floor, and the kB shown."""
    setup = CASES[name][0]
    runs = {}
    for side, W in sides.items():
        try:
            made = setup(W, clf) if W is not None else None
        except Exception as error:  # the old explorer no longer runs on today's package: say so
            if side == "now":
                raise
            print(f"  ({CASES[name][1]}: the explorer {side} fails today: {error!r})")
            made = None
        if made is not None:
            change, output = made
            look = output if callable(output) else (lambda output=output: shown(output))
            runs[side] = (change, look)
    if floor is not None:
        runs["floor"] = (floor, None)
    for fn, _ in runs.values():  # warm up (caches, allocator, lazy imports) with changes -2 and -1
        fn(-2)
        fn(-1)
    times = {side: [] for side in runs}
    for i in range(repeats):
        order = list(runs)[i % len(runs) :] + list(runs)[: i % len(runs)]
        for side in order:
            fn, look = runs[side]
            before = look() if look else None
            times[side].append(timed(fn, i))
            if look is not None and look() == before:
                raise AssertionError(f"{name} ({side}): the change {i} showed nothing new")
    sizes = {side: len(look()) / 1000 for side, (_, look) in runs.items() if look is not None}
    return times, sizes


def rendering(clf, repeats):
    """The Grad-CAM figure of today drawn and encoded each way: ms, and kB where it is encoded."""
    from PIL import Image

    ex = xt.widgets.gradcam_explorer(clf)
    sheet, fig = ex.panels, ex.figure
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    picture = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)

    def blit():
        canvas.restore_region(background)
        for artist in sheet.moving:
            fig.draw_artist(artist)

    def encoded(fmt, **kwargs):
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, format=fmt, **kwargs)
        return buffer.getvalue()

    def saved(**kwargs):
        buffer = io.BytesIO()
        fig.savefig(buffer, **kwargs)
        return buffer.getvalue()

    rows = [
        ("full draw (Agg), dpi 80", canvas.draw),
        ("draw only the map and its title", blit),
        ("encode PNG (PIL, level 6)", lambda: encoded("PNG")),
        ("encode PNG (PIL, level 1)", lambda: encoded("PNG", compress_level=1)),
        ("encode JPEG q90 4:4:4 (chosen)", lambda: encoded("JPEG", **figures.JPEG)),
        ("encode JPEG q85 4:2:0", lambda: encoded("JPEG", quality=85)),
        ("savefig PNG dpi 80", lambda: saved(format="png", dpi=80)),
        ("savefig PNG dpi 80, tight box (before)", lambda: saved(format="png", dpi=80, bbox_inches="tight")),
        ("savefig JPEG dpi 80, tight box", lambda: saved(format="jpeg", dpi=80, bbox_inches="tight")),
        ("savefig PNG dpi 100", lambda: saved(format="png", dpi=100)),
        ("savefig PNG dpi 120", lambda: saved(format="png", dpi=120)),
        ("today, everything drawn: draw + JPEG", lambda: sheet.render("jpeg")),
        ("today, a new map: map + title + JPEG", lambda: sheet.render("jpeg", sheet.moving)),
    ]
    print(f"\nrendering the Grad-CAM figure (the cat; {canvas.get_width_height()} px at dpi 80), ms:")
    for label, fn in rows:
        data = fn()
        times = [timed(lambda _, fn=fn: fn(), i) for i in range(repeats)]
        print(f"  {label:42s} {spread(times)}" + (f"  {len(data) / 1000:6.0f} kB" if data else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--before", default=BEFORE, help="the git revision of the widgets to compare with")
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load {os.getloadavg()[0]:.2f} at start")
    clf = xt.models.load("efficientnet_lite0")
    sides = {"before": None, "now": xt.widgets}
    try:
        sides["before"] = widgets_at(args.before)
    except Exception as error:  # the package moved on under the old widgets: the floors remain
        print(f"the widgets at {args.before} do not import today ({error!r}): timing today's only")
    floor = floors(clf)
    print(f"\n{'change':34s} {'before: median (min-max)':>25s} {'now: median (min-max)':>25s} ", end="")
    print(f"{'floor: median (min-max)':>25s} {'before/now':>10s}  {'kB before/now':>13s}  goal")
    for name in args.cases:
        times, sizes = measure(name, sides, clf, floor.get(name), args.repeats)
        label, forward = CASES[name][1], CASES[name][2]
        now = statistics.median(times["now"])
        ratio = f"{statistics.median(times['before']) / now:10.1f}" if times.get("before") else f"{'-':>10s}"
        limit = statistics.median(times["floor"]) + 50 if forward else 100
        goal = f"{'ok' if now <= limit else 'MISSED'} (<= {limit:.0f} ms)"
        kb = f"{sizes.get('before', 0):6.0f}/{sizes.get('now', 0):<6.0f}"
        print(f"{label:34s} {spread(times.get('before', []))}  {spread(times['now'])}  ", end="")
        print(f"{spread(times.get('floor', []))}  {ratio}  {kb}  {goal}")
    rendering(clf, args.repeats)
    print(f"\nload {os.getloadavg()[0]:.2f} at the end (1-minute average; this machine has {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
