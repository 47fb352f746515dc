"""Every route, for every role: the access rule is declared and enforced."""
from __future__ import annotations

import pytest

from core.web.permissions import (
    ADMIN,
    BUILTIN_ROLES,
    LOGIN_RULE,
    PUBLIC_RULE,
    access_rule,
    declared_permissions,
)

from .conftest import csrf_token, login

MISSING_ID = 999999


def _routes(app):
    """(endpoint, url, method) for every rule; the logout route last, since it ends the session."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static"):
            continue
        values = {arg: MISSING_ID for arg in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        method = "GET" if "GET" in rule.methods else "POST"
        routes.append((rule.endpoint, url, method))
    return sorted(routes, key=lambda route: (route[0] == "auth.logout", route[0]))


def _request(client, url, method, token):
    # buffered: a streamed download is read to its end, as a server would, releasing its context
    if method == "GET":
        return client.get(url, buffered=True)
    return client.post(url, data={"csrf_token": token}, buffered=True)


def test_every_route_declares_an_access_rule(app):
    undeclared = [endpoint for endpoint, _url, _method in _routes(app) if access_rule(app, endpoint) is None]
    assert undeclared == []


def test_a_route_without_a_rule_is_refused(make_app, make_user):
    app = make_app()
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get("/forgotten").status_code == 403


def test_anonymous_visitors_reach_only_public_routes(app, client):
    for endpoint, url, method in _routes(app):
        response = _request(client, url, method, csrf_token(client))
        if access_rule(app, endpoint) == PUBLIC_RULE:
            assert response.status_code < 500, endpoint
            assert not (response.status_code == 302 and "/login?next" in response.location), endpoint
        else:
            assert response.status_code == 302 and "/login" in response.location, endpoint


@pytest.mark.parametrize("role", BUILTIN_ROLES)
def test_each_role_reaches_exactly_what_its_permissions_allow(app, make_user, role):
    with app.app_context():
        declared = declared_permissions(app)
    granted = set(declared) if role == ADMIN else {n for n, p in declared.items() if role in p.default_roles}
    client = app.test_client()
    login(client, make_user(role))
    token = csrf_token(client, "/account/")
    checked = 0
    for endpoint, url, method in _routes(app):
        rule = access_rule(app, endpoint)
        response = _request(client, url, method, token)
        assert response.status_code < 500, (endpoint, response.status_code)
        if rule in (PUBLIC_RULE, LOGIN_RULE) or rule in granted:
            assert response.status_code != 403, (role, endpoint)
        else:
            assert response.status_code == 403, (role, endpoint, response.status_code)
        checked += 1
    assert checked >= 20


def test_role_permission_changes_take_effect(app, make_user):
    """An admin grants 'manage users' to coordinators: a coordinator then reaches the users page."""
    from core.database.models import Role, RolePermission
    from core.extensions import db

    coordinator = make_user("coordinator")
    client = app.test_client()
    login(client, coordinator)
    assert client.get("/admin/users").status_code == 403
    with app.app_context():
        role = db.session.query(Role).filter_by(name="coordinator").one()
        db.session.add(RolePermission(role_id=role.id, permission="core.users.manage", granted=True))
        db.session.commit()
    assert client.get("/admin/users").status_code == 200
