"""Tables and the setup of a fresh stack, on moto."""

from __future__ import annotations

import boto3

from chalicelib.mail import Mailer
from chalicelib.objects import ObjectStore
from chalicelib.services.context import Context
from chalicelib.services.maintenance import setup_stack
from chalicelib.settings import get_settings
from chalicelib.store.dynamo import DynamoStore


def test_create_missing_tables_creates_each_table_once_with_its_ttl(moto):
    settings = get_settings()
    store = DynamoStore.from_settings(settings)

    created = store.create_missing_tables()
    again = store.create_missing_tables()

    assert sorted(created) == sorted(store.table_names()) and again == []
    assert all(name.startswith(settings.table_prefix) for name in created)
    client = boto3.client("dynamodb", region_name=settings.region)
    ttl = {
        name: client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        for name in created
    }
    with_ttl = [n for n, d in ttl.items() if d.get("TimeToLiveStatus") == "ENABLED"]
    assert all(ttl[n]["AttributeName"] == "expires_at" for n in with_ttl)
    for base in ("sessions", "connections", "visitors", "contacts", "rooms", "messages"):
        assert settings.table_prefix + base in with_ttl


def test_setup_creates_tables_departments_and_the_first_admin_once(moto, clock, pusher):
    settings = get_settings()
    store = DynamoStore.from_settings(settings)
    ctx = Context(
        settings,
        store,
        pusher,
        Mailer("x@y.z", settings.mail_outbox_dir, "eu-central-1"),
        clock,
        files=ObjectStore(settings.files_bucket, settings.region),
    )
    spec = {
        "create_tables": True,
        "admin_email": "root@uni.example",
        "admin_password": "root password",
        "department_specs": [{"department_id": "demo"}],
    }

    first = setup_stack(ctx, **spec)
    second = setup_stack(ctx, **spec)

    assert sorted(first["created_tables"]) == sorted(store.table_names())
    assert first["created_departments"] == ["demo"] and first["admin_created"] is True
    assert first["created_bucket"] is True  # locally the bucket of the chats' files too
    assert second == {
        "created_tables": [],
        "created_bucket": False,
        "created_departments": [],
        "admin_created": False,
    }
