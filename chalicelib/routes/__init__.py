"""The REST and WebSocket API: one Chalice blueprint per area, and the adapter they share."""
