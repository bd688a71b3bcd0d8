"""The warm fork server: Aurelius's imports are paid once, every command forks from them.

`client` is the `aurelius` console script (built-in modules only); `server` is the parent that
imports everything and forks one child per command; `child` sets a child up as if the command
had started in the client's terminal; `control` asks a running server for its status, stops it,
starts it and keeps it alive. Nothing here may import more than the standard library at module
scope: the client runs on every command.
"""
