"""Which queries the compiled path answers, and how: a plan per top-level field.

The planner walks the validated operation as graphql-core's executor would (``collect_fields``
merges fragments, aliases and ``@include``/``@skip`` with the request's variables; arguments
are coerced by graphql-core and checked by the same functions the resolvers use). Each plan
says what every node's row holds (its columns, in order) and carries the closures that shape
those rows into the response. Anything outside the supported subset, any bad argument and any
field the caller's role may not see raises ``NotCompilable``: strawberry answers instead.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values
from pydantic.alias_generators import to_snake

from crm.api.compiled import shape
from crm.api.ids import global_id, node_ref
from crm.api.lists import PLURALS, page_request
from crm.api.nodes import singular
from crm.api.pagination import decode_cursor, page_size
from crm.api.records import RECORD_ID
from crm.api.ties import TIE_FIELDS, walk_scope
from crm.domain import NODE_MODELS, RELATIONSHIPS, Label
from crm.domain.values import Model
from crm.errors import CrmError
from crm.graph.properties import Storage, storage
from crm.keys import Role
from crm.queries.nodes import PageRequest
from crm.queries.ties import Direction, Walk


class NotCompilable(Exception):
    """The operation needs strawberry: a field or argument the compiler does not support, a bad
    argument (strawberry reports it), or a field the caller may not see (strawberry refuses it)."""


@dataclass(frozen=True)
class Prop:
    """A stored property of the row's node (or of its tie); ``[]`` when absent if ``listed``."""

    name: str
    on_tie: bool = False
    listed: bool = False


@dataclass(frozen=True)
class Props:
    """Several properties at once, as a list (a nested record)."""

    names: tuple[str, ...]
    on_tie: bool = False


@dataclass(frozen=True)
class FarLabel:
    """The node's label (where a tie reaches several)."""


@dataclass(frozen=True)
class Outgoing:
    """Whether the tie goes from the parent to the node."""


@dataclass(frozen=True)
class SortKey:
    """The key a list's rows are sorted by (for cursors)."""


@dataclass(frozen=True)
class TieBreaker:
    """What orders a list's rows of equal sort keys: the node's or the tie's id."""


@dataclass(frozen=True)
class Ties:
    """The rows of a tie field: a list of rows, in the walk's order."""

    ties: "TieList"


@dataclass(frozen=True)
class TieCount:
    """How many ties a tie field has in all."""

    ties: "TieList"


Column = Prop | Props | FarLabel | Outgoing | SortKey | TieBreaker | Ties | TieCount


@dataclass(eq=False)
class Item:
    """What one node's row holds: its columns, in order."""

    columns: list[Column] = field(default_factory=list)
    ties: list["TieList"] = field(default_factory=list)
    """The tie fields read from this node, in the order of their columns."""

    def column(self, column: Column) -> int:
        if column not in self.columns:
            self.columns.append(column)
        return self.columns.index(column)

    def cursor(self, scope: str) -> shape.Getter:
        """The cursor of a row of a list (of ``scope``)."""
        return shape.cursor(scope, self.column(SortKey()), self.column(TieBreaker()))


@dataclass(eq=False)
class TieList:
    """A tie field of a node: up to ``limit`` ties after ``after``, in the walk's order."""

    walk: Walk
    limit: int
    after: tuple[str, str] | None
    item: Item
    near: Label | None
    """The label the parent must have, where the parent may have several (a union)."""
    counted: bool = False


@dataclass(eq=False)
class RootList:
    """A label's list: one page, and its count when ``counted``."""

    label: Label
    request: PageRequest
    limit: int
    item: Item
    counted: bool = False


@dataclass(eq=False)
class Lookup:
    """One node by its record id."""

    label: Label
    record_id: str
    item: Item


Root = RootList | Lookup


@dataclass(frozen=True)
class Plan:
    """A top-level field: ``root`` is ``None`` for ``__typename``, which needs no statement.
    ``shape`` turns the statement's first row (a list of columns) into the field's value."""

    key: str
    root: Root | None
    shape: shape.Getter


_PLAIN_SCALARS = frozenset({"String", "ID", "Boolean", "Date", "DateTime"})
"""Scalars whose stored values are already their serialized form."""

_LISTS = {plural: label for label, plural in PLURALS.items()}
_LOOKUPS = {singular(label): label for label in Label}
_PAGE_INFO = "PageInfo"


@dataclass
class Planner:
    """Plans the top-level fields of one operation for one caller."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDetails]
    variables: VariableValues
    operation: OperationDefinitionNode
    role: Role
    required: Callable[[str, str], Role | None]
    max_page_size: int

    def plans(self) -> list[Plan]:
        query = self.schema.query_type
        assert query is not None
        collected = collect_fields(
            self.schema, self.fragments, self.variables, query, self.operation
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise NotCompilable("@defer")
        return [
            self._root(key, details, query) for key, details in collected.grouped_field_set.items()
        ]

    def _root(self, key: str, details: FieldDetailsList, query: GraphQLObjectType) -> Plan:
        name = self._allowed(query, details)
        if name == "__typename":
            return Plan(key, None, shape.constant(query.name))
        if name not in query.fields:  # introspection: __schema, __type
            raise NotCompilable(f"Query.{name}")
        args = self._arguments(query, details)
        if name in _LISTS:
            node_type = get_named_type(query.fields[name].type)
            assert isinstance(node_type, GraphQLObjectType)
            return self._list(key, _LISTS[name], node_type, details, args)
        if name in _LOOKUPS:
            label = _LOOKUPS[name]
            with _strawberry_reports():
                _, record_id = node_ref(args["id"], (label,))
            item = Item()
            getter = self._node(item, (label,), details)
            return Plan(key, Lookup(label, record_id, item), getter)
        raise NotCompilable(f"Query.{name}")

    def _list(
        self,
        key: str,
        label: Label,
        connection: GraphQLObjectType,
        details: FieldDetailsList,
        args: dict[str, Any],
    ) -> Plan:
        with _strawberry_reports():
            size = page_size(args["first"], self.max_page_size)
            scope, request = page_request(
                label, size, args["after"], _input(args["where"]), _input(args["orderBy"])
            )
        item = Item()
        conn = self._connection(
            connection, details=details, item=item, labels=(label,), walk=None, scope=scope
        )
        root = RootList(label, request, size + conn.extra, item, conn.counted)
        getter = shape.connection(
            conn.entries,
            first=size,
            has_previous=args["after"] is not None,
            cursor=conn.cursor,
            rows=0,
            total=1 if conn.counted else None,
        )
        return Plan(key, root, getter)

    def _allowed(self, parent: GraphQLObjectType, details: FieldDetailsList) -> str:
        """The field's name, once the caller's role is known to allow it."""
        name = details[0].node.name.value
        required = self.required(parent.name, name)
        if required is not None and not self.role.allows(required):
            raise NotCompilable(f"{parent.name}.{name} needs {required}")
        return name

    def _arguments(self, parent: GraphQLObjectType, details: FieldDetailsList) -> dict[str, Any]:
        first = details[0]
        definition = parent.fields[first.node.name.value]
        return get_argument_values(
            definition, first.node, self.variables, first.fragment_variable_values
        )

    def _sub(self, parent: GraphQLObjectType, details: FieldDetailsList) -> dict[str, Any]:
        return collect_subfields(
            self.schema, self.fragments, self.variables, self.operation, parent, details
        ).grouped_field_set

    def _connection(
        self,
        connection: GraphQLObjectType,
        *,
        details: FieldDetailsList,
        item: Item,
        labels: tuple[Label, ...],
        walk: Walk | None,
        scope: str,
    ) -> "_Connection":
        """The page getters of a connection's selection; its rows are ``item``'s."""
        result = _Connection([])
        edge_type = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge_type, GraphQLObjectType)
        for key, sub in self._sub(connection, details).items():
            name = self._allowed(connection, sub)
            getter: shape.PageGetter
            if name == "__typename":
                getter = _page_constant(connection.name)
            elif name == "totalCount":
                result.counted = True
                getter = _total
            elif name == "pageInfo":
                getter = self._page_info(sub, result, lambda: item.cursor(scope))
            elif name == "nodes":
                getter = shape.items(self._node(item, labels, sub))
            elif name == "edges":
                edge = self._edge(
                    edge_type, details=sub, item=item, labels=labels, walk=walk, scope=scope
                )
                getter = shape.items(edge)
            else:
                raise NotCompilable(f"{connection.name}.{name}")
            result.entries.append((key, getter))
        return result

    def _page_info(
        self,
        details: FieldDetailsList,
        connection: "_Connection",
        cursor: Callable[[], shape.Getter],
    ) -> shape.PageGetter:
        page_info = self.schema.get_type(_PAGE_INFO)
        assert isinstance(page_info, GraphQLObjectType)
        entries: list[tuple[str, shape.PageGetter]] = []
        for key, sub in self._sub(page_info, details).items():
            name = self._allowed(page_info, sub)
            if name == "__typename":
                entries.append((key, _page_constant(_PAGE_INFO)))
                continue
            if name == "hasNextPage":
                connection.extra = 1
            if name in {"startCursor", "endCursor"}:
                connection.cursor = cursor()
            entries.append((key, shape.PAGE_INFO[name]))
        return shape.page_record(entries)

    def _edge(
        self,
        edge_type: GraphQLObjectType,
        *,
        details: FieldDetailsList,
        item: Item,
        labels: tuple[Label, ...],
        walk: Walk | None,
        scope: str,
    ) -> shape.Getter:
        entries: list[tuple[str, shape.Getter]] = []
        for key, sub in self._sub(edge_type, details).items():
            name = self._allowed(edge_type, sub)
            getter: shape.Getter
            if name == "__typename":
                getter = shape.constant(edge_type.name)
            elif name == "node":
                getter = self._node(item, labels, sub)
            elif name == "cursor":
                getter = item.cursor(scope)
            elif name == "outgoing" and walk is not None and walk.direction == Direction.BOTH:
                getter = shape.column(item.column(Outgoing()))
            elif walk is not None:
                model = RELATIONSHIPS[walk.rel_type].properties
                getter = self._stored(item, model, edge_type, name, sub, on_tie=True)
            else:
                raise NotCompilable(f"{edge_type.name}.{name}")
            entries.append((key, getter))
        return shape.record(entries)

    def _node(
        self, item: Item, labels: tuple[Label, ...], details: FieldDetailsList
    ) -> shape.Getter:
        """A node of one of ``labels``; where there are several, each label's fields (its
        fragments) go in columns of their own and its ties are walked only from its nodes."""
        if len(labels) == 1:
            return self._object(item, labels[0], details, None)
        shapes = {label.value: self._object(item, label, details, label) for label in labels}
        return shape.variant(item.column(FarLabel()), shapes)

    def _object(
        self, item: Item, label: Label, details: FieldDetailsList, near: Label | None
    ) -> shape.Getter:
        node_type = self.schema.get_type(label.value)
        assert isinstance(node_type, GraphQLObjectType)
        entries: list[tuple[str, shape.Getter]] = []
        for key, sub in self._sub(node_type, details).items():
            name = self._allowed(node_type, sub)
            getter: shape.Getter
            if name == "__typename":
                getter = shape.constant(label.value)
            elif name == "id":
                getter = shape.column(item.column(Prop("id")), _global_id(label))
            elif name == RECORD_ID:
                getter = shape.column(item.column(Prop("id")))
            elif name in TIE_FIELDS[label]:
                getter = self._ties(item, node_type, TIE_FIELDS[label][name], sub, near)
            else:
                getter = self._stored(item, NODE_MODELS[label], node_type, name, sub)
            entries.append((key, getter))
        return shape.record(entries)

    def _ties(
        self,
        item: Item,
        node_type: GraphQLObjectType,
        walk: Walk,
        details: FieldDetailsList,
        near: Label | None,
    ) -> shape.Getter:
        args = self._arguments(node_type, details)
        scope = walk_scope(walk)
        with _strawberry_reports():
            size = page_size(args["first"], self.max_page_size)
            after = decode_cursor(args["after"], scope)
        connection = get_named_type(node_type.fields[details[0].node.name.value].type)
        assert isinstance(connection, GraphQLObjectType)
        rows_item = Item()
        conn = self._connection(
            connection, details=details, item=rows_item, labels=walk.far, walk=walk, scope=scope
        )
        ties = TieList(walk, size + conn.extra, after, rows_item, near, conn.counted)
        item.ties.append(ties)
        rows = item.column(Ties(ties))
        total = item.column(TieCount(ties)) if conn.counted else None
        return shape.connection(
            conn.entries,
            first=size,
            has_previous=after is not None,
            cursor=conn.cursor,
            rows=rows,
            total=total,
        )

    def _stored(
        self,
        item: Item,
        model: type[Model],
        parent: GraphQLObjectType,
        name: str,
        details: FieldDetailsList,
        *,
        on_tie: bool = False,
    ) -> shape.Getter:
        """A field the record stores: a property, or a nested record kept in several."""
        stored = storage(model).get(name)
        if stored is None:
            raise NotCompilable(f"{parent.name}.{name}")
        graphql_type = parent.fields[name].type
        if stored.nested is not None:
            return self._nested(item, stored, graphql_type, details, on_tie)
        default = model.model_fields[_field_name(model, name)].default
        column = Prop(stored.name, on_tie, listed=isinstance(default, list))
        convert = _money(graphql_type) if stored.money else _convert(graphql_type)
        return shape.column(item.column(column), convert)

    def _nested(
        self,
        item: Item,
        stored: Storage,
        graphql_type: GraphQLOutputType,
        details: FieldDetailsList,
        on_tie: bool,
    ) -> shape.Getter:
        assert stored.nested is not None
        nested_type = get_named_type(graphql_type)
        assert isinstance(nested_type, GraphQLObjectType)
        positions = {alias: at for at, (alias, _) in enumerate(stored.nested)}
        entries: list[tuple[str, shape.Getter]] = []
        for key, sub in self._sub(nested_type, details).items():
            name = self._allowed(nested_type, sub)
            if name == "__typename":
                entries.append((key, shape.constant(nested_type.name)))
            elif name in positions:
                convert = _convert(nested_type.fields[name].type)
                entries.append((key, shape.column(positions[name], convert)))
            else:
                raise NotCompilable(f"{nested_type.name}.{name}")
        index = item.column(Props(tuple(prop for _, prop in stored.nested), on_tie))
        return shape.nested(index, shape.record(entries))


@dataclass
class _Connection:
    entries: list[tuple[str, shape.PageGetter]]
    counted: bool = False
    extra: int = 0
    """1 when ``hasNextPage`` is asked: one row more than the page is read."""
    cursor: shape.Getter | None = None
    """A row's cursor, when the page's first or last is asked."""


@contextmanager
def _strawberry_reports() -> Iterator[None]:
    """A bad argument is strawberry's to report, with its usual error."""
    try:
        yield
    except CrmError as error:
        raise NotCompilable(str(error)) from error


def _page_constant(value: str) -> shape.PageGetter:
    return lambda _page: value


def _total(page: shape.Page) -> int | None:
    return page.total


def _input(value: dict[str, Any] | None) -> SimpleNamespace | None:
    """A coerced input object as the resolvers get it: fields by their Python names."""
    if value is None:
        return None
    return SimpleNamespace(**{to_snake(name): inner for name, inner in value.items()})


def _field_name(model: type[Model], alias: str) -> str:
    return next(name for name, info in model.model_fields.items() if (info.alias or name) == alias)


def _global_id(label: Label) -> shape.Convert:
    return lambda record_id: global_id(label, record_id)


def _convert(graphql_type: GraphQLOutputType) -> shape.Convert | None:
    """What turns a stored value into the field's serialized value (``None``: nothing)."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _convert(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        inner = _convert(graphql_type.of_type)
        return None if inner is None else shape.each(inner)
    if isinstance(graphql_type, GraphQLEnumType):
        return graphql_type.serialize
    if isinstance(graphql_type, GraphQLScalarType):
        return None if graphql_type.name in _PLAIN_SCALARS else graphql_type.serialize
    raise NotCompilable(f"no stored form of {graphql_type}")


def _money(graphql_type: GraphQLOutputType) -> shape.Convert:
    """Money is stored in cents."""
    scalar = get_named_type(graphql_type)
    assert isinstance(scalar, GraphQLScalarType)
    serialize = scalar.serialize
    return lambda cents: serialize(Decimal(cents).scaleb(-2))
