"""Web Push for agents: the stack's public key and the subscriptions of their browsers."""

from __future__ import annotations

from chalicelib import schemas as s
from chalicelib.routes.adapter import Answer, Area, routes
from chalicelib.services import push_notifications
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal

bp = Area(__name__)
route = routes(bp)


@route(
    "/push/key",
    "GET",
    "The VAPID application server key (RFC 8292) that browsers subscribe with",
    auth="agent",
    response=s.PushKeyOut,
)
def get_push_key(ctx: Context) -> Answer:
    return {"public_key": push_notifications.public_key(ctx)}


@route(
    "/me/push-subscriptions",
    "POST",
    "Notify this browser (its PushSubscription) when the agent's console is not seen; the "
    "endpoint must lie at a push service of PUSH_SERVICE_ORIGINS; at most 10 per agent",
    auth="agent",
    body=s.PushSubscriptionIn,
    response=s.PushSubscriptionOut,
    status=201,
    errors=(400, 409),
)
def post_push_subscription(
    ctx: Context, principal: AgentPrincipal, body: s.PushSubscriptionIn
) -> Answer:
    subscription_id = push_notifications.subscribe(
        ctx, principal, body.endpoint, body.keys.p256dh, body.keys.auth
    )
    return 201, {"subscription_id": subscription_id}


@route(
    "/me/push-subscriptions/{subscription_id}",
    "DELETE",
    "Stop notifying that browser",
    auth="agent",
    status=204,
    errors=(404,),
)
def delete_push_subscription(ctx: Context, principal: AgentPrincipal, subscription_id: str) -> None:
    push_notifications.unsubscribe(ctx, principal, subscription_id)
