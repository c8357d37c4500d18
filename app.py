"""cuocthi: wiring only. Routes live in chalicelib/api, event handlers in chalicelib/events."""
from chalice import Chalice

from chalicelib import config, store
from chalicelib.api import admin, attempts, participants, public
from chalicelib.api.errors import error_middleware
from chalicelib.contest.tables import XLSX_MIME

app = Chalice(app_name="cuocthi")
app.api.binary_types.append(XLSX_MIME)
store.bind(config.current())

app.register_middleware(error_middleware, "http")
for blueprint in (public.bp, participants.bp, attempts.bp, admin.bp):
    app.register_blueprint(blueprint)
