"""Persistence: PynamoDB models and the repository functions the services call."""

from __future__ import annotations

from chalicelib.settings import Settings
from chalicelib.store.models import ALL_MODELS, TTL_MODELS

_bound_to: tuple | None = None


def bind(settings: Settings) -> None:
    """Point every model at its table (prefix, endpoint, region); cheap when nothing changed."""
    global _bound_to
    target = (settings.table_prefix, settings.dynamodb_endpoint, settings.region)
    if _bound_to == target:
        return
    for model in ALL_MODELS:
        model.Meta.table_name = settings.table_prefix + model.Meta.base_name
        model.Meta.host = settings.dynamodb_endpoint
        model.Meta.region = settings.region
        model._connection = None
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
