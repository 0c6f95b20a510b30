"""Build the Telegram application: every handler it reacts to, in one ordered list."""

import asyncio
import logging
import secrets
import signal
import threading
from datetime import timedelta
from urllib.parse import urlparse

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.answerer_cache import AnswererCache
from bot.config import Settings
from bot.db import get_engine
from bot.kinds import LoadStatus
from bot.loader.in_child import ChildLoader, LoadStopped
from bot.loader.watch import CoverageWatcher
from bot.quotes.name_evidence import load_resources
from bot.refs import ENTRY
from bot.telegram import errors, follow_handlers, guards, handlers
from bot.telegram.asked import RecentQuestions
from bot.telegram.delivery import Delivery
from bot.telegram.guards import QuestionLimiter
from bot.telegram.outbox import Outbox
from bot.telegram.pusher import Pusher, push_timing
from bot.telegram.render import ABOUT_PREFIX, UNFOLLOW_PREFIX
from bot.telegram.state import CONTEXT_TYPES, BotState, Context
from bot.telegram.tolerant_bot import UpdateTolerantBot
from bot.telegram.update_order import PerChatUpdateProcessor
from bot.telegram.upkeep import CoverageUpkeep, off_loop

log = logging.getLogger(__name__)

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"


def make_bot(settings: Settings) -> UpdateTolerantBot:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return UpdateTolerantBot(
        token,
        base_url=settings.telegram_api_base_url or TELEGRAM_BASE_URL,
        request=HTTPXRequest(connection_pool_size=32),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        # Every message the bot sends is Telegram HTML, and a citation's link must not unfold
        # into a preview that buries the answer.
        defaults=Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)),
    )


def build_application(settings: Settings, answerers: AnswererCache, loader: ChildLoader | None = None) -> Application:
    bot = make_bot(settings)
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        # One slow answer must never hold up another chat; 16 at a time keeps the HTTP pool's
        # bookkeeping short and the order close to first come, first served. One chat's updates
        # go one after another, so its replies keep the order of its questions.
        .concurrent_updates(PerChatUpdateProcessor(16))
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    application = builder.build()
    state: BotState = application.bot_data
    state.answerers = answerers
    state.settings = settings
    state.limiter = QuestionLimiter(settings.questions_per_minute)
    state.asked = RecentQuestions()
    watcher = CoverageWatcher(
        answerers.engine, settings.knowledge_dir, unload_after=settings.unload_after_seconds, child=loader
    )
    state.watcher = watcher
    state.upkeep = upkeep = CoverageUpkeep(watcher, answerers)
    # Messages go through per-chat queues (bot.telegram.delivery), which also do Telegram's
    # pacing: a rate limiter inside the bot would pause every chat for one chat's 429.
    state.delivery = delivery = Delivery(
        application.bot,
        Outbox(answerers.engine),
        per_second=settings.telegram_max_sends_per_second,
        keep_for=timedelta(seconds=settings.keep_unsent_seconds),
        retry_seconds=settings.send_retry_seconds,
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
            CommandHandler("follow", follow_handlers.follow, filters=anywhere),
            CommandHandler("following", follow_handlers.following, filters=anywhere),
            CommandHandler("unfollow", follow_handlers.unfollow, filters=anywhere),
            CommandHandler("new", follow_handlers.new, filters=anywhere),
            CallbackQueryHandler(handlers.more, pattern=r"^more:"),
            CallbackQueryHandler(follow_handlers.unfollow_button, pattern=rf"^{UNFOLLOW_PREFIX}"),
            CallbackQueryHandler(follow_handlers.about_button, pattern=rf"^{ABOUT_PREFIX}{ENTRY}\d+$"),
            CallbackQueryHandler(handlers.stale_button),
            InlineQueryHandler(handlers.inline_query),
            MessageHandler(private_text | group_text, handlers.text_message),
            MessageHandler(filters.COMMAND, handlers.unknown_command),
        ]
    )
    application.add_error_handler(errors.on_error)
    jobs = application.job_queue
    if jobs is None:  # the job-queue extra is a dependency of this package
        raise RuntimeError("python-telegram-bot was installed without its job queue")
    jobs.run_repeating(upkeep.job, interval=settings.reload_interval_seconds, first=settings.reload_interval_seconds)
    jobs.run_repeating(_resume_kept, interval=RESUME_SECONDS, first=RESUME_SECONDS)
    if settings.push_enabled:
        state.pusher = Pusher(answerers, delivery, push_timing(settings))
    return application


# Often enough to renew the outbox's leases (bot.telegram.outbox.LEASE) in time.
RESUME_SECONDS = 20.0


async def _resume_kept(context: Context) -> None:
    await context.bot_data.delivery.resume()


async def _post_stop(application: Application) -> None:
    state: BotState = application.bot_data
    if state.pushing is not None:
        stopping, task = state.pushing
        stopping.set()
        await task
    await state.upkeep.stop()
    await state.delivery.stop()


async def _post_init(application: Application) -> None:
    state: BotState = application.bot_data
    answerers, settings, watcher = state.answerers, state.settings, state.watcher
    # Load what is new or changed in KNOWLEDGE_DIR (everything, on an empty database), so one
    # command starts a useful bot; unchanged files cost a hash. The index of what the database
    # holds is built meanwhile (the loading is another process's work), then brought up to date
    # with what the load added, if anything.
    if not settings.knowledge_dir.exists():
        log.warning("KNOWLEDGE_DIR %s does not exist", settings.knowledge_dir)
    building = asyncio.ensure_future(off_loop(answerers.answerer))
    try:
        report = await off_loop(watcher.poll)
    except LoadStopped:
        return
    if report is not None:
        log.info("loaded %s: %s", settings.knowledge_dir, report.summary_line())
        for outcome in report.failed:
            log.error("could not load %s: %s", outcome.path, outcome.message)
    await building
    if report is not None and report.count(LoadStatus.LOADED):
        await off_loop(answerers.refresh)
    # Replies kept through an outage or the last stop go before anything new.
    await state.delivery.resume()
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in handlers.COMMANDS])
    if settings.watch_knowledge_dir:
        state.upkeep.watch()
    if state.pusher is not None:
        stopping = asyncio.Event()
        task = asyncio.create_task(state.pusher.run(settings.push_interval_seconds, stopping), name="pushing")
        state.pushing = (stopping, task)
    state.started_up = True
    log.info("bot @%s ready", application.bot.username)


def open_database(settings: Settings) -> Engine | None:
    """The database, once it can be used: a PostgreSQL server still starting, or a SQLite file
    another process holds the write lock on, is waited for with back-off, as Telegram is.
    None if SIGTERM or Ctrl-C came first."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    delay = 1.0
    try:
        while not stop.is_set():
            try:
                return get_engine(settings.database_url)
            except OperationalError as exc:
                reason = (str(exc.orig or exc).strip().splitlines() or [type(exc).__name__])[0]
                log.warning("the database at %s cannot be used yet (%s); trying again in %.0f s", where, reason, delay)
                stop.wait(delay)
                delay = min(delay * 2, MAX_DATABASE_WAIT_SECONDS)
        return None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


MAX_DATABASE_WAIT_SECONDS = 30.0
STOP_RECHECK_SECONDS = 0.05
STOP_WAIT_SECONDS = 2.0


def run(settings: Settings) -> None:
    # WordNet and the names list serve the index here and quote extraction in the loading child;
    # started now, before the database is opened or any thread runs, the child is forked and
    # shares them, and every module imported so far, instead of reading them again.
    load_resources()
    loader = ChildLoader.for_url(settings.database_url)
    if loader is not None:
        loader.start()
    engine = open_database(settings)
    if engine is None:
        log.info("stopped before the database could be used")
        if loader is not None:
            loader.close()
        return
    answerers = AnswererCache(engine, check_every=settings.index_check_seconds)
    application = build_application(settings, answerers, loader)
    _stop_at_once_on_signals(application)
    # None: the handlers above replace python-telegram-bot's own.
    stop_signals = None
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
            stop_signals=stop_signals,
        )
    else:
        # Telegram may be unreachable when the bot starts: keep trying instead of giving up.
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1, stop_signals=stop_signals)


def _stop_at_once_on_signals(application: Application) -> None:
    """SIGTERM, SIGINT and SIGABRT stop the bot as python-telegram-bot's own handlers would,
    and first tell a load under way to give up, so stopping never waits for it."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    state: BotState = application.bot_data
    first_asked: list[float] = []  # when the first signal came

    def stop() -> None:
        state.watcher.stopping.set()
        if not first_asked:
            first_asked.append(loop.time())
        if state.started_up and not application.running and loop.time() - first_asked[0] < STOP_WAIT_SECONDS:
            # Between start-up and running, python-telegram-bot is opening its long poll (or
            # webhook): interrupted there it leaves that half done and cannot shut down. It
            # takes milliseconds (unless Telegram has just gone away): stop once it has.
            loop.call_later(STOP_RECHECK_SECONDS, stop)
            return
        raise SystemExit(0)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
        loop.add_signal_handler(sig, stop)
