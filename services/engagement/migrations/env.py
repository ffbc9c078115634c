from shared.migrate import run_env

from services.engagement.db.models import Base

run_env(Base.metadata)
