"""Placeholder until the dashboard lands: the status of every goal, straight from kpi/."""

import datetime as dt

import streamlit as st

from kpi import config
from kpi.load import load_dataset
from kpi.rules import evaluate_all, status_label

st.set_page_config(page_title="Målbild", layout="wide")
dataset = load_dataset(config.data_dir(), config.targets_path())
for item in evaluate_all(dataset.config, dataset.series, dt.date.today()):
    st.write(f"{item.metric.display_name('sv')}: {status_label(item.status, 'sv')} — {item.explanation('sv')}")
