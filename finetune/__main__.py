from core.cli_support import run_app
from finetune.cli import app

run_app(app)
