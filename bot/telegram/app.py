"""Build the Telegram application: every handler it reacts to, in one ordered list."""

import asyncio
import logging
import secrets
from urllib.parse import urlparse

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.db import get_engine
from bot.library import Library
from bot.loader.watch import CoverageWatcher
from bot.telegram import guards, handlers
from bot.telegram.guards import QuestionLimiter

log = logging.getLogger(__name__)


def build_application(settings: Settings, library: Library) -> Application:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_max_sends_per_second, max_retries=5))
        # One slow answer must never hold up another chat; 16 at a time keeps the HTTP pool's
        # bookkeeping short and the order close to first come, first served.
        .concurrent_updates(16)
        .connection_pool_size(32)
        .post_init(_post_init)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    application = builder.build()
    application.bot_data["library"] = library
    application.bot_data["settings"] = settings
    application.bot_data["limiter"] = QuestionLimiter(settings.questions_per_minute)
    application.bot_data["watcher"] = CoverageWatcher(
        library.engine, settings.knowledge_dir, unload_after=settings.unload_after_seconds
    )

    # A photo's caption is a question as much as a text is.
    texts = filters.TEXT | filters.CAPTION
    private_text = texts & ~filters.COMMAND & filters.ChatType.PRIVATE
    mentioned = filters.Entity("mention") | filters.CaptionEntity("mention") | filters.REPLY
    group_text = texts & ~filters.COMMAND & filters.ChatType.GROUPS & mentioned
    # Commands work in channels too ("/latest@bot" posted to a channel the bot administers).
    anywhere = filters.UpdateType.MESSAGES | filters.UpdateType.CHANNEL_POSTS
    application.add_handler(TypeHandler(Update, guards.enforce_access), group=-2)
    # Everything that makes the bot search or send spends the sender's budget (guards.budget_key).
    application.add_handler(TypeHandler(Update, guards.limit_questions), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", handlers.start, filters=anywhere),
            CommandHandler("help", handlers.help_command, filters=anywhere),
            CommandHandler("latest", handlers.latest, filters=anywhere),
            CommandHandler("summary", handlers.summary, filters=anywhere),
            CommandHandler("ask", handlers.ask, filters=anywhere),
            CommandHandler("who", handlers.who, filters=anywhere),
            CommandHandler("reload", handlers.reload_command, filters=anywhere),
            CallbackQueryHandler(handlers.more, pattern=r"^more:"),
            CallbackQueryHandler(handlers.stale_button),
            InlineQueryHandler(handlers.inline_query),
            MessageHandler(private_text | group_text, handlers.text_message),
            MessageHandler(filters.COMMAND, handlers.unknown_command),
        ]
    )
    application.add_error_handler(handlers.on_error)
    application.job_queue.run_repeating(
        handlers.check_coverage, interval=settings.reload_interval_seconds, first=settings.reload_interval_seconds
    )
    return application


async def _post_init(application: Application) -> None:
    library: Library = application.bot_data["library"]
    settings: Settings = application.bot_data["settings"]
    watcher: CoverageWatcher = application.bot_data["watcher"]
    # Load what is new or changed in KNOWLEDGE_DIR (everything, on an empty database), so one
    # command starts a useful bot; unchanged files cost a hash.
    if not settings.knowledge_dir.exists():
        log.warning("KNOWLEDGE_DIR %s does not exist", settings.knowledge_dir)
    report = await asyncio.to_thread(watcher.poll)
    if report is not None:
        log.info("loaded %s: %s", settings.knowledge_dir, report.summary_line())
        for outcome in report.failed:
            log.error("could not load %s: %s", outcome.path, outcome.message)
    await asyncio.to_thread(library.answerer)
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in handlers.COMMANDS])
    log.info("bot @%s ready", application.bot.username)


def run(settings: Settings) -> None:
    library = Library(get_engine(settings.database_url))
    application = build_application(settings, library)
    if settings.webhook_url:
        secret = settings.webhook_secret_token.get_secret_value() if settings.webhook_secret_token else None
        if not secret:
            # Without a secret anyone who finds the address can post forged updates (an admin's
            # /reload among them): make one for this run and register it with Telegram.
            secret = secrets.token_urlsafe(32)
            log.warning("WEBHOOK_SECRET_TOKEN is empty: using a secret generated for this run")
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=-1,
        )
    else:
        # Telegram may be unreachable when the bot starts: keep trying instead of giving up.
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
