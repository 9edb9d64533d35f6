"""`python -m web`: serve the trainee chat and the trainer review on SSP_WEB_HOST:SSP_WEB_PORT."""

from .app import create_app
from .config import WebConfig


def main() -> None:
    config = WebConfig.from_env()
    app = create_app(config)
    print(f"trainee chat     http://{config.host}:{config.port}/", flush=True)
    print(f"trainer review   http://{config.host}:{config.port}/review", flush=True)
    app.run(host=config.host, port=config.port, workers=1, access_log=False, debug=False)


if __name__ == "__main__":
    main()
