"""Stored figures: the figures of `assessments.indicators` as JSON and back, exactly.

A campaign's figures are computed once, by a job, and stored (`CampaignFigures`); pages,
exports and rules read them back. The round trip must give the very same objects (equal
dataclasses, the same Decimals), so that a stored figure and a freshly computed one can
be compared, and a figure explained and recomputed identically. The encoding follows the
dataclasses' own type hints: Decimals as strings (never floats), int keys as strings,
tuples as lists, enums by value. Plain Python, no Django.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

# Bumped when a computation changes, so stored figures say which code made them.
# 2: CampaignStats.mark_cutoffs (the lowest primary score seen with each mark).
FIGURES_VERSION = 2

T = TypeVar("T")


def to_data(value: Any) -> Any:
    """A figure (a dataclass of the indicators, or any part of one) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    return value


def from_data(kind: type[T], data: Any) -> T:
    """The figure of type `kind` that `to_data` made `data` from."""
    return typing.cast(T, _decoder(typing.cast(Any, kind))(data))


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _identity(data: Any) -> Any:
    return data


@cache
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """A function that decodes data of type `kind`, built once per type from its hints (a
    results page decodes some 60,000 values: walking the hints for each was most of it)."""
    origin = get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in get_args(kind) if option is not type(None)]
        if len(options) != 1:
            raise TypeError(f"cannot decode a union of {options}")
        inner = _decoder(options[0])
        return lambda data: None if data is None else inner(data)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)  # type: ignore[arg-type]
        fields = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(kind)}
        build: Any = kind
        return lambda data: build(**{name: fields[name](item) for name, item in data.items()})
    if origin is dict:
        key_kind, value_kind = get_args(kind)
        decode_key, decode_value = _decoder(key_kind), _decoder(value_kind)
        return lambda data: {decode_key(k): decode_value(v) for k, v in data.items()}
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(value) for value in data)
        items = [_decoder(arg) for arg in args]
        return lambda data: tuple(decode(value) for decode, value in zip(items, data, strict=True))
    if origin is list:
        (item_kind,) = get_args(kind)
        item = _decoder(item_kind)
        return lambda data: [item(value) for value in data]
    if kind is Any:
        return _identity
    if isinstance(kind, type) and issubclass(kind, Enum):
        return lambda data: None if data is None else kind(data)
    if kind is Decimal:
        return lambda data: None if data is None else Decimal(data)
    if kind is bool:
        return lambda data: None if data is None else bool(data)
    if kind in (int, float, str):
        return lambda data: None if data is None else kind(data)
    raise TypeError(f"cannot decode {kind!r}")
