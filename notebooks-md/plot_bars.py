"""Grouped bar chart (ACC, NMI, ARI per method) as self-contained SVG from `dsc cluster --json` logs.

usage: python3 notebooks-md/plot_bars.py OUT.svg "TITLE" LABEL=GLOB [LABEL=GLOB ...]

Each GLOB matches one log per seed; a bar is the mean over them and a whisker spans ± one sample
standard deviation (none for a single seed). The number of seeds is printed beside the label.
"""
import glob, json, statistics, sys

METRICS = [("acc", "ACC", "#2563eb"), ("nmi", "NMI", "#059669"), ("ari", "ARI", "#d97706")]
LEFT, RIGHT, TOP, ROW, BAR, GAP = 330, 40, 56, 54, 13, 4
WIDTH = 900


def summary(pattern):
    paths = sorted(glob.glob(pattern))
    if not paths:
        sys.exit(f"plot_bars: no log matches {pattern}")
    runs = [json.load(open(p))["metrics"] for p in paths]
    out = {}
    for key, _, _ in METRICS:
        xs = [r[key] for r in runs]
        out[key] = (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)
    return len(paths), out


def main():
    out, title, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows = [(p.split("=", 1)[0], *summary(p.split("=", 1)[1])) for p in pairs]
    height = TOP + ROW * len(rows) + 40
    px = lambda v: LEFT + v * (WIDTH - LEFT - RIGHT)
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
         'font-family="sans-serif" font-size="12">',
         f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
         f'<text x="12" y="22" font-size="15" font-weight="bold">{title}</text>']
    for i, (_, name, colour) in enumerate(METRICS):
        s.append(f'<rect x="{LEFT + i * 70}" y="32" width="12" height="12" fill="{colour}"/>')
        s.append(f'<text x="{LEFT + i * 70 + 17}" y="42" fill="#111827">{name}</text>')
    bottom = TOP + ROW * len(rows)
    for k in range(6):
        v = k / 5
        s.append(f'<line x1="{px(v):.1f}" x2="{px(v):.1f}" y1="{TOP - 4}" y2="{bottom}" stroke="#e5e7eb"/>')
        s.append(f'<text x="{px(v):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#374151">{v:g}</text>')
    for r, (label, seeds, values) in enumerate(rows):
        y = TOP + r * ROW
        s.append(f'<text x="{LEFT - 10}" y="{y + 22}" text-anchor="end" fill="#111827">{label}</text>')
        s.append(f'<text x="{LEFT - 10}" y="{y + 37}" text-anchor="end" fill="#6b7280" font-size="11">'
                 f'{seeds} seed{"s" if seeds > 1 else ""}</text>')
        for i, (key, name, colour) in enumerate(METRICS):
            mean, sd = values[key]
            top = y + 4 + i * (BAR + GAP)
            s.append(f'<rect x="{LEFT}" y="{top}" width="{px(mean) - LEFT:.1f}" height="{BAR}" fill="{colour}">'
                     f'<title>{label} {name}: {mean:.4f} ± {sd:.4f}</title></rect>')
            if sd > 0:
                mid = top + BAR / 2
                s.append(f'<line x1="{px(mean - sd):.1f}" x2="{px(mean + sd):.1f}" y1="{mid}" y2="{mid}" stroke="#111827"/>')
            s.append(f'<text x="{px(mean) + 4:.1f}" y="{top + BAR - 2}" font-size="10" fill="#374151">{mean:.3f}</text>')
    s.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP - 4}" y2="{bottom}" stroke="#9ca3af"/>')
    s.append("</svg>")
    open(out, "w").write("\n".join(s) + "\n")


main()
