import os

JWT_KEY = os.environ["JWT_KEY"]
RATES_URL = os.environ.get("RATES_URL", "https://api.frankfurter.app/latest")
