"""Runtime hosts for background work: job functions, the scheduler, the embedded runner."""
