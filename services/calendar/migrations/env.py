from shared.migrate import run_env

from services.calendar.store.models import Base

run_env(Base.metadata)
