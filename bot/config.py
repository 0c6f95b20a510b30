"""Settings, read from the environment and `.env` (see `.env.example`)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'newsdesk.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default_factory=_default_database_url)
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None

    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret_token: SecretStr | None = None

    # Empty: the bot answers every chat. Otherwise only these chat ids (comma-separated).
    allowed_chat_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # Telegram user ids allowed to use admin commands such as /reload (comma-separated).
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    questions_per_minute: int = Field(default=20, ge=1)
    # Telegram allows about 30 messages a second across chats; a bot with a raised limit may say more.
    telegram_max_sends_per_second: float = Field(default=30.0, gt=0)
    # The running bot notices changes in KNOWLEDGE_DIR from file-system events...
    watch_knowledge_dir: bool = True
    # ...and also looks at this interval (for file systems that report no events).
    reload_interval_seconds: float = Field(default=30.0, gt=0)
    # A loaded file gone from KNOWLEDGE_DIR this long has its entries removed (unless another
    # page of its coverage still shows them); a file moved within the folder keeps them.
    unload_after_seconds: float = Field(default=600.0, ge=0)
    # How often a running process asks the database whether its content changed (one tiny
    # query, beside the answers): what another process loaded reaches answers within about this
    # long, plus the time to read and index what changed.
    index_check_seconds: float = Field(default=1.0, gt=0)

    # A reply Telegram cannot take (an outage) is kept, also across restarts, and sent this long.
    keep_unsent_seconds: float = Field(default=3600.0, gt=0)
    # The first wait before sending a failed message again; each further failure doubles it (to 30 s).
    send_retry_seconds: float = Field(default=1.0, gt=0)

    # Push new entries to the chats following them (`python -m bot push` does only that).
    push_enabled: bool = True
    # How often new entries are matched to follows and due pushes sent.
    push_interval_seconds: float = Field(default=1.0, gt=0)
    # A chat's pushes wait for this long a lull, so entries landing together go in one message...
    push_quiet_seconds: float = Field(default=10.0, ge=0)
    # ...but never longer than this.
    push_longest_seconds: float = Field(default=60.0, ge=0)

    log_level: str = "INFO"
    # WordNet 3.0's database files (Debian's wordnet-base): words of the same meaning.
    wordnet_dir: Path = Path("/usr/share/wordnet")

    @field_validator("allowed_chat_ids", "admin_user_ids", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @field_validator(
        "telegram_bot_token", "webhook_secret_token", "telegram_api_base_url", "webhook_url", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # An empty `TELEGRAM_BOT_TOKEN=` line in .env means "not configured", not "empty token".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_base_url", mode="after")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        # The token is appended to this address: ".../bot/" would make ".../bot/<token>", which
        # Telegram answers as if the token were wrong.
        return value.rstrip("/") if value else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        return _default_database_url() if isinstance(value, str) and not value.strip() else value

    @field_validator("knowledge_dir", mode="after")
    @classmethod
    def _relative_to_project(cls, value: Path) -> Path:
        # `KNOWLEDGE_DIR=knowledge` means the project's folder wherever the bot is started from.
        return value if value.is_absolute() or value.exists() else PROJECT_ROOT / value


@lru_cache
def get_settings() -> Settings:
    return Settings()
