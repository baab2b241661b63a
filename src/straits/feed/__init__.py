"""The live feed: UN Comtrade fetches, watchlist refreshes, alerts, monthly mirror checks."""
