"""The Telegram bot (python-telegram-bot): polling runner, webhook bridge, handlers."""
