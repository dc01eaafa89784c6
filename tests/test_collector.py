"""The cyclic collector is held off while the library is read and rendered (see collector.py),
and always restored: a build must not leave it disabled for Material's part of the work."""

from __future__ import annotations

import gc

import pytest

from conftest import FIXTURE_LIBRARY
from playbook import collector, load
from playbook.load import check_library, load_library
from playbook.render import Renderer


@pytest.fixture(autouse=True)
def collector_on():
    assert gc.isenabled()
    yield
    gc.enable()


def test_held_off_restores_the_collector_even_after_an_error():
    with pytest.raises(RuntimeError), collector.held_off():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_nested_and_already_disabled_uses_keep_the_outer_setting():
    with collector.held_off():
        with collector.held_off():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it back on early
    assert gc.isenabled()
    gc.disable()
    with collector.held_off():
        pass
    assert not gc.isenabled()  # a caller that disabled it keeps it disabled


def test_the_library_is_read_and_rendered_with_the_collector_held_off(monkeypatch):
    seen: list[tuple[str, bool]] = []
    read_source = load.read_source
    item_fragment = Renderer.item_fragment

    def reading(path):
        seen.append(("read", gc.isenabled()))
        return read_source(path)

    def rendering(self, item):
        seen.append(("render", gc.isenabled()))
        return item_fragment(self, item)

    monkeypatch.setattr(load, "read_source", reading)
    monkeypatch.setattr(Renderer, "item_fragment", rendering)
    assert not check_library(FIXTURE_LIBRARY).problems
    assert gc.isenabled()
    Renderer(load_library(FIXTURE_LIBRARY)).pages()
    assert gc.isenabled()
    assert {kind for kind, _ in seen} == {"read", "render"}
    assert not any(enabled for _, enabled in seen)
