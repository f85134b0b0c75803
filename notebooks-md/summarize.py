"""Tables of mean ± std over seeds from `dsc cluster --json` logs.

Usage: python3 notebooks-md/summarize.py notebooks-md/logs/digits   (prefix of the log files)
Prints one Markdown row per method: ACC, NMI, ARI (mean ± std over seeds) and seconds.
Files are named PREFIX-<method>-s<seed>.json.
"""
import glob
import json
import re
import statistics
import sys


def main(prefix):
    runs = {}
    for path in sorted(glob.glob(prefix + "-*-s*.json")):
        m = re.match(re.escape(prefix) + r"-(.+)-s(\d+)\.json$", path)
        if not m:
            continue
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        runs.setdefault(m.group(1), []).append(json.loads(text))
    print("| method | seeds | ACC | NMI | ARI | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, rs in runs.items():
        def cell(key):
            xs = [r["metrics"][key] for r in rs]
            sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
            return f"{statistics.mean(xs):.4f} ± {sd:.4f}"
        secs = statistics.mean(r["seconds"]["total"] for r in rs)
        print(f"| {name} | {len(rs)} | {cell('acc')} | {cell('nmi')} | {cell('ari')} | {secs:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1])
