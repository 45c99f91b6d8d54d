"""``python -m xaitutor download resnet18 vgg16``: fetch the essay's torchvision weights once."""

import argparse

from .models.torchvision_models import ESSAY_MODELS, download


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m xaitutor")
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("download", help="fetch torchvision ImageNet weights into torch's cache")
    fetch.add_argument("models", nargs="+", choices=sorted(ESSAY_MODELS))
    args = parser.parse_args(argv)
    for name in args.models:
        print(f"{name}: {download(name)}")


if __name__ == "__main__":
    main()
