"""OGC API – Features answers an invalid or unknown parameter with 400 (/req/core/query-param-invalid,
/req/core/query-param-unknown) where the JSON API says 422. Everything that refuses input on /ogc —
FastAPI's validation, the use cases' InvalidParameter, the middleware's screening — writes the one
error body as usual; this wrapper only changes that status, for /ogc paths, in one place."""
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OGC_PREFIX = "/ogc"


class InvalidParameterIs400:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (scope["path"] == OGC_PREFIX or scope["path"].startswith(OGC_PREFIX + "/")):
            await self.app(scope, receive, send)
            return

        async def send_as_ogc(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 422:
                message = {**message, "status": 400}
            await send(message)

        await self.app(scope, receive, send_as_ogc)
