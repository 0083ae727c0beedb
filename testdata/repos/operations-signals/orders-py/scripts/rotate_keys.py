import secrets


def rotate():
    api_key = secrets.token_urlsafe(32)
    print(f"new key: {api_key}")


if __name__ == "__main__":
    rotate()
