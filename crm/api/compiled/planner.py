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
from crm.api.lists import page_request
from crm.api.pagination import decode_cursor, page_size
from crm.api.records import RECORD_ID
from crm.api.ties import TIE_FIELDS, walk_scope
from crm.domain import NODE_MODELS, RELATIONSHIPS, Label
from crm.domain.labels import PLURALS, singular
from crm.domain.values import Model
from crm.errors import CrmError
from crm.graph.properties import Storage, storage
from crm.keys import Role
from crm.queries.compiled.plan import (
    Column,
    FarLabel,
    Item,
    Lookup,
    Outgoing,
    Prop,
    Props,
    Root,
    RootList,
    SortKey,
    TieBreaker,
    TieCount,
    TieList,
    Ties,
)
from crm.queries.ties import Direction, Walk


class NotCompilable(Exception):
    """The operation needs strawberry: a field or argument the compiler does not support, a bad
    argument (strawberry reports it), or a field the caller may not see (strawberry refuses it)."""


@dataclass(frozen=True)
class Plan:
    """A top-level field: ``root`` is ``None`` for ``__typename``, which needs no statement.
    ``shape`` turns the statement's first row (a list of columns) into the field's value."""

    key: str
    root: Root | None
    shape: shape.Getter


@dataclass
class _Columns:
    """The columns of one node's row as the selection under it is planned: each getter made
    for the response reads the index its column gets here. ``item`` is the finished value."""

    columns: list[Column] = field(default_factory=list)
    ties: list[TieList] = field(default_factory=list)

    def column(self, column: Column) -> int:
        if column not in self.columns:
            self.columns.append(column)
        return self.columns.index(column)

    def cursor(self, scope: str) -> shape.Getter:
        """The cursor of a row of a list (of ``scope``)."""
        return shape.cursor(scope, self.column(SortKey()), self.column(TieBreaker()))

    def item(self) -> Item:
        return Item(tuple(self.columns), tuple(self.ties))


@dataclass(frozen=True)
class _Connection:
    """What a connection's selection needs of its rows, and how to shape them."""

    entries: tuple[tuple[str, shape.PageGetter], ...]
    counted: bool
    """``totalCount`` is asked: the rows are counted too."""
    extra: int
    """1 when ``hasNextPage`` is asked: one row more than the page is read."""
    cursor: shape.Getter | None
    """A row's cursor, when the page's first or last is asked."""


@dataclass(frozen=True)
class _PageInfo:
    getter: shape.PageGetter
    has_next: bool
    """``hasNextPage`` is asked."""
    cursors: bool
    """``startCursor`` or ``endCursor`` is asked."""


_PLAIN_SCALARS = frozenset({"String", "ID", "Boolean", "Date", "DateTime"})
"""Scalars whose stored values are already their serialized form."""

_LISTS = {plural: label for label, plural in PLURALS.items()}
_LOOKUPS = {singular(label): label for label in Label}
_PAGE_INFO = "PageInfo"
_INTROSPECTION = frozenset({"__schema", "__type"})
"""Meta-fields of ``Query`` that are not in its ``fields``: strawberry answers them."""


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
        if details[0].node.name.value in _INTROSPECTION:
            raise NotCompilable("introspection")
        name = self._allowed(query, details)
        if name == "__typename":
            return Plan(key, None, shape.constant(query.name))
        args = self._arguments(query, details)
        if name in _LISTS:
            node_type = get_named_type(query.fields[name].type)
            assert isinstance(node_type, GraphQLObjectType)
            return self._list(key, _LISTS[name], node_type, details, args)
        if name in _LOOKUPS:
            label = _LOOKUPS[name]
            with _strawberry_reports():
                _, record_id = node_ref(args["id"], (label,))
            columns = _Columns()
            getter = self._node(columns, (label,), details)
            return Plan(key, Lookup(label, record_id, columns.item()), getter)
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
        columns = _Columns()
        conn = self._connection(
            connection, details=details, columns=columns, labels=(label,), walk=None, scope=scope
        )
        root = RootList(label, request, size + conn.extra, columns.item(), conn.counted)
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
        columns: _Columns,
        labels: tuple[Label, ...],
        walk: Walk | None,
        scope: str,
    ) -> _Connection:
        """The page getters of a connection's selection; its rows are ``columns``'s."""
        entries: list[tuple[str, shape.PageGetter]] = []
        counted = has_next = False
        cursor: shape.Getter | None = None
        edge_type = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge_type, GraphQLObjectType)
        for key, sub in self._sub(connection, details).items():
            name = self._allowed(connection, sub)
            getter: shape.PageGetter
            if name == "__typename":
                getter = _page_constant(connection.name)
            elif name == "totalCount":
                counted = True
                getter = _total
            elif name == "pageInfo":
                page_info = self._page_info(sub)
                getter, has_next = page_info.getter, has_next or page_info.has_next
                if page_info.cursors:
                    cursor = columns.cursor(scope)
            elif name == "nodes":
                getter = shape.items(self._node(columns, labels, sub))
            elif name == "edges":
                edge = self._edge(
                    edge_type, details=sub, columns=columns, labels=labels, walk=walk, scope=scope
                )
                getter = shape.items(edge)
            else:
                raise NotCompilable(f"{connection.name}.{name}")
            entries.append((key, getter))
        return _Connection(tuple(entries), counted, 1 if has_next else 0, cursor)

    def _page_info(self, details: FieldDetailsList) -> _PageInfo:
        page_info = self.schema.get_type(_PAGE_INFO)
        assert isinstance(page_info, GraphQLObjectType)
        entries: list[tuple[str, shape.PageGetter]] = []
        names = set()
        for key, sub in self._sub(page_info, details).items():
            name = self._allowed(page_info, sub)
            names.add(name)
            if name == "__typename":
                entries.append((key, _page_constant(_PAGE_INFO)))
            else:
                entries.append((key, shape.PAGE_INFO[name]))
        return _PageInfo(
            shape.page_record(entries),
            has_next="hasNextPage" in names,
            cursors=bool(names & {"startCursor", "endCursor"}),
        )

    def _edge(
        self,
        edge_type: GraphQLObjectType,
        *,
        details: FieldDetailsList,
        columns: _Columns,
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
                getter = self._node(columns, labels, sub)
            elif name == "cursor":
                getter = columns.cursor(scope)
            elif name == "outgoing" and walk is not None and walk.direction == Direction.BOTH:
                getter = shape.column(columns.column(Outgoing()))
            elif walk is not None:
                model = RELATIONSHIPS[walk.rel_type].properties
                getter = self._stored(columns, model, edge_type, name, sub, on_tie=True)
            else:
                raise NotCompilable(f"{edge_type.name}.{name}")
            entries.append((key, getter))
        return shape.record(entries)

    def _node(
        self, columns: _Columns, labels: tuple[Label, ...], details: FieldDetailsList
    ) -> shape.Getter:
        """A node of one of ``labels``; where there are several, each label's fields (its
        fragments) go in columns of their own and its ties are walked only from its nodes."""
        if len(labels) == 1:
            return self._object(columns, labels[0], details, None)
        shapes = {label.value: self._object(columns, label, details, label) for label in labels}
        return shape.variant(columns.column(FarLabel()), shapes)

    def _object(
        self, columns: _Columns, label: Label, details: FieldDetailsList, near: Label | None
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
                getter = shape.column(columns.column(Prop("id")), _global_id(label))
            elif name == RECORD_ID:
                getter = shape.column(columns.column(Prop("id")))
            elif name in TIE_FIELDS[label]:
                getter = self._ties(columns, node_type, TIE_FIELDS[label][name], sub, near)
            else:
                getter = self._stored(columns, NODE_MODELS[label], node_type, name, sub)
            entries.append((key, getter))
        return shape.record(entries)

    def _ties(
        self,
        columns: _Columns,
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
        rows = _Columns()
        conn = self._connection(
            connection, details=details, columns=rows, labels=walk.far, walk=walk, scope=scope
        )
        ties = TieList(walk, size + conn.extra, after, rows.item(), near, conn.counted)
        columns.ties.append(ties)
        rows_column = columns.column(Ties(ties))
        total = columns.column(TieCount(ties)) if conn.counted else None
        return shape.connection(
            conn.entries,
            first=size,
            has_previous=after is not None,
            cursor=conn.cursor,
            rows=rows_column,
            total=total,
        )

    def _stored(
        self,
        columns: _Columns,
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
            return self._nested(columns, stored, graphql_type, details, on_tie)
        default = model.model_fields[_field_name(model, name)].default
        column = Prop(stored.name, on_tie, listed=isinstance(default, list))
        convert = _money(graphql_type) if stored.money else _convert(graphql_type)
        return shape.column(columns.column(column), convert)

    def _nested(
        self,
        columns: _Columns,
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
        index = columns.column(Props(tuple(prop for _, prop in stored.nested), on_tie))
        return shape.nested(index, shape.record(entries))


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
