"""Time of `flask --app portal seed-demo` on an empty SQLite database (the test only checks what it writes).

    .venv/bin/python bench/seed_demo.py [--scale 1] [--repeats 3]

Each run builds a fresh temporary SQLite database (schema by db.create_all), runs the seed-demo
command through Flask's CLI runner and prints median and max seconds. Removes its folders.
"""

import argparse
import statistics
import time

from throwaway import throwaway_app


def run_once(scale):
    with throwaway_app("seed-demo-bench-") as (app, _folder):
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", str(scale)])
        seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"seed-demo failed:\n{result.output}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = [run_once(args.scale) for _ in range(args.repeats)]
    print(f"seed-demo --scale {args.scale}: median {statistics.median(runs):.2f} s, max {max(runs):.2f} s "
          f"over {args.repeats} runs (SQLite, one process)")


if __name__ == "__main__":
    main()
