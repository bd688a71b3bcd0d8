"""The Slack bot (slack-bolt, sync `App`): Socket Mode runner, HTTP bridge, listeners."""
