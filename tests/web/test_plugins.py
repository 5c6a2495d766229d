"""Every app's contributions follow the plugin contract in ``etablera.web.plugins``."""

from __future__ import annotations

import pytest

from etablera.web import plugins


def _members(protocol: type) -> set[str]:
    names = set(getattr(protocol, "__annotations__", {}))
    names |= {n for n, v in vars(protocol).items() if callable(v) and not n.startswith("_")}
    return names


@pytest.mark.parametrize("hook", sorted(plugins.HOOKS))
def test_each_contribution_has_what_its_protocol_names(hook):
    protocol = plugins.HOOKS[hook]
    wanted = _members(protocol)
    for module in plugins.contributions(hook):
        if module.__name__ == "etablera.web.demo":  # the loader of the demo parts itself
            continue
        have = {name for name in wanted if hasattr(module, name)}
        if hook == "report_sections":  # either function may be left out, not both
            assert have, module.__name__
        else:
            assert have == wanted, module.__name__


def test_the_hooks_are_found_once_in_app_order():
    assert [m.__name__ for m in plugins.contributions("mandate_parts")] == [
        "etablera.statistics.mandate_parts"
    ]
    assert "etablera.governance.governance_rules" in {
        m.__name__ for m in plugins.contributions("governance_rules")
    }
    assert plugins.contributions("nav") is plugins.contributions("nav")
    with pytest.raises(KeyError):
        plugins.contributions("no-such-hook")
