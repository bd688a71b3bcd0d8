"""People who sign in: the signup policy, the first user as admin, linking provider accounts
by verified email, and the admin's view of users (roles, disabling, invitations).

Signup policies (`AURELIUS_SIGNUP`):
- `invite` (the default): only people an admin invited (`aurelius admin invite EMAIL`) or
  who already have an account may sign in; nobody else can create an account.
- `domain:example.com`: any verified address at that domain (or an invited one).
- `open`: any verified address.

A new account always needs a verified email. An existing account is found by its provider
login (provider + subject); failing that, by email, but only when the provider says the
email is verified, so nobody takes over an account with an address they do not own.

The first user (the lowest id: the OS user of a single-user install) is the admin whenever
no admin exists yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import ConfigError, Conflict, Invalid, NotFound, PermissionDenied
from core.models import AuthSession, Login, User
from core.ports import Clock
from core.services.views import _Json

ROLES = ("admin", "member")
NOT_INVITED = ("This Aurelius only lets in people an admin invited; ask an admin to run "
               "`aurelius admin invite {email}`.")


@dataclass(frozen=True)
class UserView(_Json):
    id: int
    name: str
    email: str | None
    email_verified: bool
    role: str
    disabled: bool
    logins: list[str] = field(default_factory=list)
    last_sign_in: datetime | None = None
    created_at: datetime | None = None


def check_signup(policy: str) -> str:
    """`policy` when it is `open`, `invite` or `domain:NAME`; ConfigError otherwise."""
    kind, _, domain = policy.strip().lower().partition(":")
    if (kind in ("open", "invite") and not domain) or (kind == "domain" and "." in domain):
        return policy.strip().lower()
    raise ConfigError("AURELIUS_SIGNUP must be open, invite or domain:example.com.")


class Accounts:
    def __init__(self, db: Database, clock: Clock, signup: str = "invite") -> None:
        self.db, self.clock, self.signup = db, clock, check_signup(signup)

    def sign_in(self, provider: str, subject: str, email: str | None, email_verified: bool,
                name: str) -> int:
        """The user this provider account signs in; created or linked as the policy allows.
        PermissionDenied (one line, saying why) when it may not sign in."""
        address = (email or "").strip().lower() or None
        with self.db.transaction() as session:
            login = session.scalars(
                select(Login).where(Login.provider == provider, Login.subject == subject)
            ).first()
            if login is None:
                user = self._link_or_create(session, address, email_verified, name)
                login = Login(user_id=user.id, provider=provider, subject=subject)
                session.add(login)
            user = _user(session, login.user_id)
            if user.disabled_at is not None:
                raise PermissionDenied("This account is disabled; ask an admin.")
            login.email, login.last_sign_in = address, self.clock.now()
            _crown_first(session)
            return user.id

    def _link_or_create(self, session: Session, email: str | None, verified: bool,
                        name: str) -> User:
        if not email or not verified:
            raise PermissionDenied("Your provider did not confirm your email address; "
                                   "verify it there, then sign in again.")
        user = session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            self._may_sign_up(email)
            user = User(name=name.strip() or email.split("@")[0], email=email)
            session.add(user)
        user.email_verified = True
        session.flush()
        return user

    def _may_sign_up(self, email: str) -> None:
        kind, _, domain = self.signup.partition(":")
        if kind == "open" or (kind == "domain" and email.rpartition("@")[2] == domain):
            return
        if kind == "domain":
            raise PermissionDenied(f"Only addresses at {domain} may sign up here; "
                                   "ask an admin for an invitation.")
        raise PermissionDenied(NOT_INVITED.format(email=email))

    def invite(self, actor: int, email: str) -> UserView:
        """An account for `email` that its owner claims by signing in with that (verified)
        address; the admin sees it in `users()` until then."""
        address = email.strip().lower()
        if "@" not in address.strip("@"):
            raise Invalid(f"{email!r} is not an email address.")
        with self.db.transaction() as session:
            self._admin(session, actor)
            if session.scalars(select(User.id).where(User.email == address)).first():
                raise Conflict(f"{address} already has an account (`aurelius admin users`).")
            user = User(name=address.split("@")[0], email=address)
            session.add(user)
            session.flush()
            return _views(session, [user])[0]

    def users(self) -> list[UserView]:
        with self.db.transaction() as session:
            return _views(session, list(session.scalars(select(User).order_by(User.id))))

    def find(self, ref: str) -> UserView:
        """A user by id (`7`, `#7`) or email."""
        text = ref.strip().lstrip("#").lower()
        with self.db.transaction() as session:
            match = User.id == int(text) if text.isdigit() else User.email == text
            user = session.scalars(select(User).where(match)).first()
            if user is None:
                raise NotFound(f"No user {ref!r}; `aurelius admin users` lists them.")
            return _views(session, [user])[0]

    def require_admin(self, actor: int) -> None:
        with self.db.transaction() as session:
            self._admin(session, actor)

    def set_role(self, actor: int, user: int, role: str) -> UserView:
        if role not in ROLES:
            raise Invalid(f"Unknown role {role!r}: use admin or member.")
        with self.db.transaction() as session:
            self._admin(session, actor)
            target = _user(session, user)
            if target.role == "admin" and role != "admin":
                _keep_an_admin(session, target.id)
            target.role = role
            return _views(session, [target])[0]

    def disable(self, actor: int, user: int) -> UserView:
        """The user can no longer sign in; their sessions end now and their API tokens stop
        working (their data stays)."""
        with self.db.transaction() as session:
            self._admin(session, actor)
            target = _user(session, user)
            if target.role == "admin":
                _keep_an_admin(session, target.id)
            now = self.clock.now()
            target.disabled_at = target.disabled_at or now
            session.execute(
                update(AuthSession)
                .where(AuthSession.user_id == target.id, AuthSession.revoked_at.is_(None))
                .values(revoked_at=now, revoked_reason="user disabled")
            )
            return _views(session, [target])[0]

    def _admin(self, session: Session, actor: int) -> None:
        _crown_first(session)
        found = session.get(User, actor)
        if found is None or found.role != "admin" or found.disabled_at is not None:
            raise PermissionDenied("Only an admin may do that; an admin can make you one "
                                   "with `aurelius admin role USER admin`.")


def _crown_first(session: Session) -> None:
    """No admin yet: the first user (lowest id, not disabled) becomes one."""
    admin = select(User.id).where(User.role == "admin", User.disabled_at.is_(None))
    if session.scalars(admin).first() is None:
        first = select(func.min(User.id)).where(User.disabled_at.is_(None)).scalar_subquery()
        session.execute(update(User).where(User.id == first).values(role="admin"))


def _keep_an_admin(session: Session, leaving: int) -> None:
    others = session.scalars(select(User.id).where(
        User.role == "admin", User.disabled_at.is_(None), User.id != leaving)).first()
    if others is None:
        raise Conflict("That would leave no admin; make someone else admin first.")


def _user(session: Session, user_id: int) -> User:
    found = session.get(User, user_id)
    if found is None:
        raise NotFound(f"No user #{user_id}; `aurelius admin users` lists them.")
    return found


def _views(session: Session, users: list[User]) -> list[UserView]:
    ids = [user.id for user in users]
    logins: dict[int, list[Login]] = {}
    for login in session.scalars(select(Login).where(Login.user_id.in_(ids)).order_by(Login.id)):
        logins.setdefault(login.user_id, []).append(login)
    return [_view(user, logins.get(user.id, [])) for user in users]


def _view(user: User, logins: list[Login]) -> UserView:
    seen = [login.last_sign_in for login in logins if login.last_sign_in]
    return UserView(
        id=user.id, name=user.name, email=user.email, email_verified=user.email_verified,
        role=user.role, disabled=user.disabled_at is not None,
        logins=[login.provider for login in logins], last_sign_in=max(seen, default=None),
        created_at=user.created_at,
    )  # fmt: skip
