"""Persistence: everything the product does to its data, behind one interface (`base.Store`).
`dynamo.DynamoStore` keeps it in DynamoDB (the only code that speaks PynamoDB), `memory.
MemoryStore` in memory for the service tests; `records` are the plain values both hand out."""

from chalicelib.store.base import Changed, Closed, Store, StoreError, Taken

__all__ = ["Changed", "Closed", "Store", "StoreError", "Taken"]
