"""`make bench`: sizes, calls per operation, cost, speed, cold start and load of the chat on the
local stack, beside baselines (docs/performance.md)."""
