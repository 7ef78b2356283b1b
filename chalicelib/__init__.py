"""The code that ships to Lambda: settings, schemas, services, store, push."""
