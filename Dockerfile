FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# WordNet 3.0's database files: words of the same meaning when matching questions.
RUN apt-get update && apt-get install -y --no-install-recommends wordnet-base \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, in their own layer, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir bot && touch bot/__init__.py \
    && pip install . \
    && pip uninstall -y newsdesk-bot \
    && rm -rf bot

COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 newsdesk \
    && mkdir -p /app/data && chown newsdesk /app/data

USER newsdesk
ENV KNOWLEDGE_DIR=/app/knowledge \
    DATABASE_URL=sqlite:////app/data/newsdesk.db

CMD ["python", "-m", "bot", "run"]
