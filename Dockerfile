FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ats_match ats_match
COPY connectors connectors
COPY rules rules
COPY web web
COPY worker worker
RUN pip install --no-cache-dir . && useradd --create-home ats && mkdir -p /data && chown ats /data
USER ats
EXPOSE 8000
CMD ["ats-match", "serve", "--host", "0.0.0.0"]
