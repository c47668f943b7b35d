"""Entry point for gunicorn: `gunicorn -w 4 -b 127.0.0.1:8000 wsgi:app`, behind a reverse
proxy on the same machine (README, "Production"). Production unless AWARD_FLOW_ENV says
otherwise (config.py)."""

from award_flow import create_app

app = create_app()
