"""The thin webhook server (FastAPI): health checks and the Slack and Telegram routes.

Front ends plug in through small interfaces (`TelegramEndpoint`, `SlackEndpoint`) so the
server never imports a bot; `bots.serve` composes the two.
"""
