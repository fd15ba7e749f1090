"""The `minutes` command (and `python -m flows`): the CLI, imported when called.

Processes that multiprocessing spawns (the extraction workers, a local Dask
cluster's) run their parent's main module again before their work; this one is
light, so a worker loads the extraction, not the whole CLI with DuckDB, the web
app and the analyst's commands (~50 MiB a worker; bench/NOTES.md "Eighteenth")."""


def main() -> None:
    """Run the CLI."""
    from flows.cli import app

    app()


if __name__ == "__main__":
    main()
