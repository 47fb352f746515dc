"""The app the load test serves with gunicorn: production settings from the environment, as the README runs it,
with the bare page of ``bench/pages.py`` added and two settings for a test on loopback without HTTPS.

    gunicorn -w 4 --chdir bench 'load_app:app'    (bench/load.py starts it; OBSERVATORY_* variables set)
"""
from pages import add_bare_page

from core import create_app

# Plain HTTP on loopback: a Secure cookie would never come back; every simulated user signs in from 127.0.0.1,
# which the login throttle would rightly take for an attack.
app = create_app({"SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
add_bare_page(app)
