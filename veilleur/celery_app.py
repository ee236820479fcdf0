"""`celery -A veilleur.celery_app flower` (or `inspect`, `events`): the Celery application, from VEILLEUR_BROKER_URL."""

from __future__ import annotations

from campaign.distributed import BROKER_ENV
from campaign.distributed.app import make_app
from veilleur.settings import read_settings

_url = read_settings().broker.broker_url
if _url is None:
    raise SystemExit(f"{BROKER_ENV} n'est pas défini : l'application Celery a besoin de l'adresse du broker")
# Celery looks for `app` (or `celery`) in the module it is given.
app = make_app(_url, worker=True)
