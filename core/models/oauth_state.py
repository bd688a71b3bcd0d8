"""Sign-in attempts in flight: one row per OAuth `state` handed out, used at most once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class OAuthState(Base):
    """An issued `state`: whose it is, for which flow, and the PKCE verifier (sealed by the
    vault, bound to this nonce) that only the callback that presents the state may use."""

    __tablename__ = "oauth_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    # None for a sign-in: nobody is signed in yet when it starts.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(20))
    # cli | web | chat (a link to start `web`) | signin
    flow: Mapped[str] = mapped_column(String(20))
    redirect_uri: Mapped[str] = mapped_column(String(1000))
    # Where the chat that asked for the link is told the account is linked ("kind:target").
    reply_to: Mapped[str | None] = mapped_column(String(600))
    sealed_verifier: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
