"""Persistence: PynamoDB models and the repository functions the services call."""

from __future__ import annotations

import contextlib
import threading
from functools import lru_cache

from pynamodb.connection import Connection

from chalicelib.settings import Settings
from chalicelib.store.models import ALL_MODELS, TTL_MODELS

_bound_to: tuple | None = None
_binding = threading.Lock()  # the devserver's app copies bind from several threads at once


@lru_cache(maxsize=4)
def shared_connection(region: str | None, host: str | None) -> Connection:
    """The one PynamoDB connection, hence the one botocore client, of every table. PynamoDB
    gives each model a client (and a botocore session) of its own, which costs a new Lambda
    container about 0.1 s for each table it touches."""
    return Connection(region=region, host=host)


def bind(settings: Settings) -> None:
    """Point every model at its table (prefix, endpoint, region) through the shared
    connection; cheap when nothing changed."""
    global _bound_to
    target = (settings.table_prefix, settings.dynamodb_endpoint, settings.region)
    with _binding:
        if _bound_to == target:
            return
        connection = shared_connection(settings.region, settings.dynamodb_endpoint)
        for model in ALL_MODELS:
            model.Meta.table_name = settings.table_prefix + model.Meta.base_name
            model.Meta.host = settings.dynamodb_endpoint
            model.Meta.region = settings.region
            model._connection = None
            table = model._get_connection()  # made anew for the table name; no client yet
            with contextlib.suppress(ValueError):  # this table was bound before
                connection.add_meta_table(table.get_meta_table())
            table.connection = connection
        _bound_to = target


def table_names() -> list[str]:
    return [model.Meta.table_name for model in ALL_MODELS]


def create_missing_tables(ttl_models: tuple = TTL_MODELS) -> list[str]:
    """Create the tables that do not exist yet (local runs and tests; AWS uses infra/).
    `ttl_models` narrows where TTL is switched on: DynamoDB Local runs TTL on 7 tables at most."""
    created = []
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
            created.append(model.Meta.table_name)
            if model in ttl_models:
                model._get_connection().connection.client.update_time_to_live(
                    TableName=model.Meta.table_name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
                )
    return created
