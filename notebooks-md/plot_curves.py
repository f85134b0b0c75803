"""Line charts as self-contained SVG from the experiments' log.json files (no plotting library).

usage: python3 notebooks-md/plot_curves.py OUT.svg "TITLE" KEY LABEL=path/log.json [LABEL=path/log.json ...]

KEY is a per-epoch field of log.json ("train_loss", "test_accuracy", ...) or "step_losses" for the
loss of every training step (smoothed over 20 steps), plotted against the step.
"""
import json, math, sys

W, H, L, R, T, B = 720, 360, 70, 150, 40, 50
COLOURS = ["#2563eb", "#dc2626", "#059669", "#9333ea"]


def series(log, key):
    if key == "step_losses":
        ys = [l for e in log["epochs"] for l in e["step_losses"]]
        sm, out, acc = 20, [], []
        for i, y in enumerate(ys):
            acc.append(y)
            if len(acc) > sm: acc.pop(0)
            out.append((i + 1, sum(acc) / len(acc)))
        return out
    return [(e["epoch"], e[key]) for e in log["epochs"]]


def nice(lo, hi, n=5):
    """Round tick values covering [lo, hi]: about n steps of 1, 2, 2.5 or 5 times a power of ten."""
    if hi <= lo:
        pad = abs(hi) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if (hi - lo) / (m * mag) <= n)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    return [round(k * step, 10) for k in range(first, last + 1)]


def main():
    out, title, key, pairs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    runs = [(p.split("=", 1)[0], series(json.load(open(p.split("=", 1)[1])), key)) for p in pairs]
    xs = [x for _, s in runs for x, _ in s]; ys = [y for _, s in runs for _, y in s]
    x0, x1 = min(xs), max(xs)
    yt = nice(min(ys), max(ys)); y0, y1 = yt[0], yt[-1]
    if x1 == x0: x1 = x0 + 1
    px = lambda x: L + (x - x0) / (x1 - x0) * (W - L - R)
    py = lambda y: T + (1 - (y - y0) / ((y1 - y0) or 1)) * (H - T - B)
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{L}" y="22" font-size="15" font-weight="bold">{title}</text>']
    for t in yt:
        s.append(f'<line x1="{L}" x2="{W-R}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#e5e7eb"/>')
        s.append(f'<text x="{L-8}" y="{py(t)+4:.1f}" text-anchor="end" fill="#374151">{t:g}</text>')
    xt = sorted(set(int(x) for x in xs)) if key != "step_losses" else nice(x0, x1)
    for t in xt:
        s.append(f'<text x="{px(t):.1f}" y="{H-B+18}" text-anchor="middle" fill="#374151">{t:g}</text>')
    s.append(f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle" fill="#374151">{"step" if key=="step_losses" else "epoch"}</text>')
    s.append(f'<line x1="{L}" x2="{L}" y1="{T}" y2="{H-B}" stroke="#9ca3af"/><line x1="{L}" x2="{W-R}" y1="{H-B}" y2="{H-B}" stroke="#9ca3af"/>')
    for i, (label, pts) in enumerate(runs):
        c = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{'M' if j == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for j, (x, y) in enumerate(pts))
        s.append(f'<path d="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
        if key != "step_losses":
            for x, y in pts:
                s.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{c}"><title>{label}: {y:.4f}</title></circle>')
        s.append(f'<rect x="{W-R+15}" y="{T+10+i*22}" width="14" height="4" fill="{c}"/>')
        s.append(f'<text x="{W-R+35}" y="{T+16+i*22}" fill="#111827">{label}</text>')
    s.append("</svg>")
    open(out, "w").write("\n".join(s) + "\n")


main()
