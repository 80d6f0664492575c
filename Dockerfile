# Målbild: the dashboard in a slim image, data kept outside in a volume.
#   docker build -t malbild .
#   docker run -p 8501:8501 -v "$PWD/data:/data" -e KPI_EDITOR_PASSWORD=... malbild
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    KPI_DATA_DIR=/data \
    KPI_TARGETS=/app/targets.yaml

# Debian's chromium renders the report charts (kaleido); DejaVu fonts give the PDF å, ä, ö and ✔ ⚠.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY app.py targets.yaml ./
COPY kpi ./kpi
COPY ui ./ui
COPY pages ./pages
COPY .streamlit/config.toml ./.streamlit/config.toml
# The example data seeds the volume on first start; mount your own folder over /data.
COPY data /data

RUN useradd --create-home --uid 10001 malbild && chown -R malbild:malbild /data
USER malbild
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0", \
     "--server.headless=true", "--browser.gatherUsageStats=false"]
