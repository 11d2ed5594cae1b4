"""The MAX messenger adapter: Bot API calls, long polling, webhooks, update parsing.

    adapter = MaxAdapter(token, limiter=state, ca_file="russian_trusted_root_ca.pem")
    source = adapter.polling(cursor_store)          # development (NOTES §3.1)
    # or, in production (NOTES §3.2):
    hook = MaxWebhook(secret); hook.add_routes(app)
    await adapter.subscribe("https://bot.example.ru/max/webhook", secret, DEFAULT_TYPES)

Both sources are `EventSource`s for the runner; `parse_update` is the pure hot path.
"""

from adapters.max_messenger.adapter import CAPABILITIES, MaxAdapter
from adapters.max_messenger.api import DEFAULT_API_URL, MaxApi, token_fingerprint
from adapters.max_messenger.models import ChatInfo
from adapters.max_messenger.parse import callback_id_of, parse_payload, parse_update
from adapters.max_messenger.polling import DEFAULT_TYPES, MaxPolling
from adapters.max_messenger.registry import ChatRegistry, KnownChat
from adapters.max_messenger.rights import REQUIRED_RIGHTS, missing_rights, rights_request_text
from adapters.max_messenger.webhook import SECRET_HEADER, MaxWebhook

__all__ = [
    "CAPABILITIES",
    "DEFAULT_API_URL",
    "DEFAULT_TYPES",
    "REQUIRED_RIGHTS",
    "SECRET_HEADER",
    "ChatInfo",
    "ChatRegistry",
    "KnownChat",
    "MaxAdapter",
    "MaxApi",
    "MaxPolling",
    "MaxWebhook",
    "callback_id_of",
    "missing_rights",
    "parse_payload",
    "parse_update",
    "rights_request_text",
    "token_fingerprint",
]
