"""Which requirement-set nodes are judged on the whole candidate, and how each is compiled.

The evaluators ask :func:`is_candidate_level` and :func:`compile_candidate_check`; a new
candidate-level condition is one more entry in ``_COMPILERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from rules.candidate_level import CandidateLevelCheck, CompileContext
from rules.focus import compile_focus
from rules.schema import FocusNode, StackNode
from rules.stacks import compile_stack

_COMPILERS: dict[type[Any], Callable[[Any, CompileContext], CandidateLevelCheck]] = {
    StackNode: compile_stack,
    FocusNode: compile_focus,
}


def is_candidate_level(node: object) -> TypeGuard[StackNode | FocusNode]:
    """Whether ``node`` is judged on the whole candidate (``stack``, ``focus``)."""
    return isinstance(node, tuple(_COMPILERS))


def compile_candidate_check(
    node: StackNode | FocusNode, context: CompileContext
) -> CandidateLevelCheck:
    """The compiled check of a candidate-level node under ``context``."""
    kind = next(k for k in _COMPILERS if isinstance(node, k))  # requirements subclass nodes
    return _COMPILERS[kind](node, context)
