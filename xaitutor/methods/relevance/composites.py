"""Composites: which rule each layer of a network gets. Practitioners do not use one rule everywhere
(Montavon et al., Overview 2019, sec. 10.3): LRP-ε near the output, where few, entangled classes
compete and ε absorbs the noise; LRP-γ or z+ in the many convolutions, whose positive contributions
make a stable, readable map; z^B (box) or flat at the input, whose pixels are not activations.

The named composites are zennit's (``epsilon_plus``, ``epsilon_plus_flat``, ``epsilon_gamma_box``,
``epsilon_alpha2_beta1``, ``epsilon_alpha2_beta1_flat``), and ``epsilon``, ``zplus``, ``gamma`` and
``alpha2_beta1`` put one rule on every layer, for the lessons. Your own is a dict from a layer group
(``"first"``, ``"conv"``, ``"linear"``) or a module's name (``"features.0"``; a block's name covers
the layers inside it) to a rule or its name.
"""

from __future__ import annotations

import torch

from . import input_rules, rules

RULES = {
    "epsilon": rules.epsilon,
    "zplus": rules.zplus,
    "alpha2_beta1": rules.alpha_beta,
    "gamma": rules.gamma,
    "flat": input_rules.flat,
    "box": input_rules.box,
}
COMPOSITES = {
    "epsilon_plus": {"conv": "zplus", "linear": "epsilon"},
    "epsilon_plus_flat": {"first": "flat", "conv": "zplus", "linear": "epsilon"},
    "epsilon_gamma_box": {"first": "box", "conv": "gamma", "linear": "epsilon"},
    "epsilon_alpha2_beta1": {"conv": "alpha2_beta1", "linear": "epsilon"},
    "epsilon_alpha2_beta1_flat": {"first": "flat", "conv": "alpha2_beta1", "linear": "epsilon"},
    "epsilon": {"conv": "epsilon", "linear": "epsilon"},
    "zplus": {"conv": "zplus", "linear": "zplus"},
    "gamma": {"conv": "gamma", "linear": "gamma"},
    "alpha2_beta1": {"conv": "alpha2_beta1", "linear": "alpha2_beta1"},
}
GROUPS = ("first", "conv", "linear")


def input_bounds(model):
    """The lowest and highest input of a ``Classifier`` (black and white, normalised), per channel."""
    mean, std = getattr(model, "mean", None), getattr(model, "std", None)
    if mean is None or std is None:
        raise ValueError(
            "the box rule (z^B) needs the input's bounds: give a Classifier (xt.models.wrap(model, mean=, std=)) "
            "or a rule made with xaitutor.methods.relevance.input_rules.box(low, high)"
        )
    mean, std = (torch.as_tensor(v, dtype=torch.float32).reshape(1, -1, 1, 1) for v in (mean, std))
    return (0 - mean) / std, (1 - mean) / std


def make_rule(rule, model):
    """A rule from its name (made with its default parameters) or the rule itself."""
    if callable(rule):
        return rule
    if rule not in RULES:
        raise ValueError(f"unknown LRP rule {rule!r}; known: {', '.join(RULES)}, or a function of xt's relevance.rules")
    return RULES[rule](*input_bounds(model)) if rule == "box" else RULES[rule]()


def resolve_composite(composite, model):
    """``rule_for(group, name, first)``: the rule of a layer, from a composite's name or a dict."""
    if isinstance(composite, str):
        if composite not in COMPOSITES:
            raise ValueError(f"unknown composite {composite!r}; known: {', '.join(COMPOSITES)}, or a dict of rules")
        composite = COMPOSITES[composite]
    if not isinstance(composite, dict):
        raise TypeError(f"composite must be a name or a dict of rules, got {type(composite).__name__}")
    made = {key: make_rule(rule, model) for key, rule in composite.items()}
    names = sorted((k for k in made if k not in GROUPS), key=len, reverse=True)

    def rule_for(group: str, name: str, first: bool):
        inside = next((k for k in names if name == k or name.startswith(k + ".")), None)
        if inside is not None:
            return made[inside]
        if first and "first" in made:
            return made["first"]
        if group not in made:
            raise ValueError(f"the composite has no rule for the {group} layer {name!r}: add a {group!r} entry")
        return made[group]

    return rule_for
