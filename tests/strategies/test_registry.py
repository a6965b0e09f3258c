"""The strategy registry: which strategies exist, which choose their own batch."""

from skactive.strategies import registered_strategies
from skactive.strategies._registry import BATCH_SELECTIONS, STRATEGIES, strategy_kinds


def test_registered_strategies_cover_every_strategy_and_batch_rule():
    settings = registered_strategies()
    assert settings["random"] == {"strategy": "random"}
    pairs = {(p["strategy"], p.get("batch_selection")) for p in settings.values()}
    rules = sorted(set(BATCH_SELECTIONS) & {"top", "diverse"})
    for name, kind in strategy_kinds().items():
        if name == "random":
            continue
        if kind == "batch":  # chooses its own batch: runs once, with no rule
            assert (name, None) in pairs
            assert not any((name, rule) in pairs for rule in BATCH_SELECTIONS)
        else:
            for rule in rules:
                assert (name, rule) in pairs


def test_registry_answers_from_the_declaration():
    kinds = strategy_kinds()
    assert set(kinds) == set(STRATEGIES)
    for name, kind in kinds.items():
        assert STRATEGIES[name]().selects_batch == (kind == "batch")
    assert {"lcmd", "gsx", "gsy", "igs"} <= {
        n for n, k in kinds.items() if k == "batch"
    }
    assert {"random", "uncertainty", "qbc", "emcm"} <= {
        n for n, k in kinds.items() if k == "score"
    }
