CORS_ALLOWED_ORIGINS = ["https://app.example.com", "http://localhost:3000"]
CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://.*\.example\.com"]
CORS_ALLOW_CREDENTIALS = True
