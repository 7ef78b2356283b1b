"""The domain. Plain functions taking a `Context` and plain values; no Chalice, no HTTP."""
