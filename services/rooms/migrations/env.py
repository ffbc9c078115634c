from shared.migrate import run_env

from services.rooms.db.models import Base

run_env(Base.metadata)
