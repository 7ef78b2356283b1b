"""Local stand-in for API Gateway (REST, WebSocket, management API) and DynamoDB Local.

Never shipped to Lambda. Imports app.py and nothing deeper.
"""
