"""The store's contract, one abstract class per aggregate; `Store` (base.py) is all of them."""
