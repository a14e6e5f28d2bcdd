"""Limits on what one request may ask, from the settings: tokens, depth, aliases and an
estimated cost; and what production hides (introspection, field suggestions).

An operation over a limit is refused before it runs, with ``extensions.code`` ``LIMIT_EXCEEDED``
and ``extensions.limit`` naming the setting. Strawberry's own limiters do the counting (graphql-
core's parser counts tokens, fragments included; ``QueryDepthLimiter`` follows fragments); the
cost is ours.
"""

from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from crm.api import input_text
from crm.config import Environment, Settings

LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
_TOKENS_MESSAGE = "Document contains more than"
"""How graphql-core's parser says that it stopped at ``max_tokens``."""


def _production(settings: Settings) -> bool:
    return settings.env == Environment.PRODUCTION


class Limits(SchemaExtension):
    """Applies the limits of the request's settings (``Context.settings``)."""

    def on_operation(self) -> Iterator[None]:
        settings: Settings = self.execution_context.context.settings
        self.execution_context.parse_options["max_tokens"] = settings.max_tokens
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_tokens_error(error, settings) for error in result.errors]

    def on_validate(self) -> Iterator[None]:
        """Validates here, instead of strawberry, to hide suggestions in production and to check
        the limits only on documents that are otherwise valid."""
        context = self.execution_context
        settings: Settings = context.context.settings
        schema = context.schema._schema
        document = context.graphql_document
        assert document is not None
        context.pre_execution_errors = refusals(
            schema, context.query or "", document, settings, context.variables or {}
        )
        yield


DOCUMENTS = 256
"""How many parsed and validated documents are kept, by their text (least recently used go)."""


class DocumentCache(ParserCache):
    """Strawberry's parser cache, kept for ``DOCUMENTS`` texts. A document that does not parse
    is left to strawberry, which parses it again and reports the error as it does without the
    cache (raised here, the error would escape ``Limits`` and lose its code)."""

    def __init__(self) -> None:
        super().__init__(maxsize=DOCUMENTS)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


parse_document: Callable[..., DocumentNode] = DocumentCache().cached_parse_document
"""graphql-core's ``parse``, cached by text and options: the very cache of ``DocumentCache``
(strawberry keeps one per ``maxsize``, shared by every instance), so both paths share it."""


def refusals(
    schema: GraphQLSchema,
    query: str,
    document: DocumentNode,
    settings: Settings,
    variables: dict[str, Any],
) -> list[GraphQLError]:
    """Why the document may not run: validation errors, else the limits it is over. What only
    depends on the text is cached; the cost, which depends on the variables, is not."""
    production = _production(settings)
    text = _ByText(query, document)
    errors = list(_checked(schema, text, production, settings.max_depth, settings.max_aliases))
    if not errors:
        errors = input_text.in_variables(variables)
    if not errors:
        errors = _over_cost(schema, document, settings, variables)
    return errors


@dataclass(frozen=True)
class _ByText:
    """A document as a cache key: by its text (hashing the tree would walk all of it)."""

    text: str
    node: DocumentNode = field(compare=False)


@lru_cache(maxsize=DOCUMENTS)
def _checked(
    schema: GraphQLSchema,
    document: _ByText,
    production: bool,
    max_depth: int,
    max_aliases: int,
) -> tuple[GraphQLError, ...]:
    errors = [
        _aborted_error(error) if isinstance(error, ValidationAbortedError) else error
        for error in validate(
            schema, document.node, _rules(production), hide_suggestions=production
        )
    ]
    if not errors:
        errors = input_text.in_document(document.node)
    if not errors:
        errors = [
            _limit_error(error.message, setting, error.nodes)
            for setting, rule in _limit_rules(max_depth, max_aliases)
            for error in validate(schema, document.node, [rule])
        ]
    return tuple(errors)


@cache
def _rules(production: bool) -> tuple[type[Any], ...]:
    rules: list[type[Any]] = [*specified_rules, MaybeNullValidationRule, OneOfInputValidationRule]
    if production:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


@cache
def _limit_rules(max_depth: int, max_aliases: int) -> tuple[tuple[str, type[ValidationRule]], ...]:
    return (
        ("CRM_MAX_DEPTH", max_depth_rule(max_depth, None)),
        ("CRM_MAX_ALIASES", max_aliases_rule(max_aliases)),
    )


def _over_cost(
    schema: GraphQLSchema, document: DocumentNode, settings: Settings, variables: dict[str, Any]
) -> list[GraphQLError]:
    cost = estimated_cost(schema, document, variables, settings.max_page_size)
    if cost > settings.max_cost:
        message = f"the query's estimated cost {cost} is over the maximum {settings.max_cost}"
        return [_limit_error(message, "CRM_MAX_COST", None, cost=cost)]
    return []


def _limit_error(message: str, setting: str, nodes: Any, **more: Any) -> GraphQLError:
    return GraphQLError(
        message, nodes, extensions={"code": LIMIT_EXCEEDED, "limit": setting, **more}
    )


def _aborted_error(error: GraphQLError) -> GraphQLError:
    """graphql-core gives up validating a document whose fields (or fragments) would take too
    much work to compare, saying only "Validation aborted."; name the limit."""
    message = (
        "the document is too complex to validate (the validator's budget for comparing its "
        "fields and fragments ran out); ask for each field once, or use fewer fragments"
    )
    return _limit_error(message, "VALIDATION_BUDGET", error.nodes)


def _tokens_error(error: GraphQLError, settings: Settings) -> GraphQLError:
    if error.original_error is not None or _TOKENS_MESSAGE not in error.message:
        return error
    message = f"the document has more than {settings.max_tokens} tokens"
    return _limit_error(message, "CRM_MAX_TOKENS", None)


def estimated_cost(
    schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any], max_page: int
) -> int:
    """The rows the operations may return: every list field's page size (``first``, or its
    default; ``ids`` for ``nodes``; at most ``max_page``, as a larger page is refused when it
    runs) times the page sizes of the lists around it, summed, plus one per root field.
    A fragment's cost is reckoned once, so nested fragments cannot make the estimate itself
    expensive."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    memo: dict[str, int] = {}

    def selections(selection_set: SelectionSetNode | None, parent: Any) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                total += selections(selection.selection_set, inner)
            elif isinstance(selection, FragmentSpreadNode):
                total += spread(selection.name.value)
        return total

    def spread(name: str) -> int:
        if name not in memo:
            memo[name] = 0  # a cycle (refused by validation before this runs) costs nothing
            fragment = fragments[name]
            memo[name] = selections(
                fragment.selection_set, schema.get_type(fragment.type_condition.name.value)
            )
        return memo[name]

    def field(node: FieldNode, parent: Any) -> int:
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if definition is None:  # __typename, introspection
            return 0
        rows = min(_page_size(node, definition, variables), max_page)
        inner = selections(node.selection_set, get_named_type(definition.type))
        return rows + rows * inner if rows else inner

    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            total += len(definition.selection_set.selections) + selections(
                definition.selection_set, root
            )
    return total


def _page_size(node: FieldNode, definition: Any, variables: dict[str, Any]) -> int:
    """How many rows a field may give: ``first`` (or its default) for a list, the number of
    ``ids`` for ``nodes``, 0 for a field that is no list."""
    for name in ("first", "ids"):
        if name not in definition.args:
            continue
        argument = next((a for a in node.arguments or () if a.name.value == name), None)
        value: Any = definition.args[name].default_value if argument is None else argument.value
        if isinstance(value, VariableNode):
            value = variables.get(value.name.value)
        if value is None:  # null: the resolver takes the default
            value = definition.args[name].default_value
        if isinstance(value, IntValueNode):
            value = int(value.value)
        if isinstance(value, ListValueNode):
            value = value.values
        if isinstance(value, list | tuple):
            value = len(value)
        return value if isinstance(value, int) else 0
    return 0


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Hides field suggestions ("Did you mean ...?") in errors of production requests."""

    @classmethod
    def build(  # type: ignore[override]
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any,
        context_value: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        settings = getattr(context_value, "settings", None)
        if isinstance(settings, Settings) and _production(settings):
            kwargs["hide_suggestions"] = True
        return super().build(schema, document, root_value, context_value, *args, **kwargs)
