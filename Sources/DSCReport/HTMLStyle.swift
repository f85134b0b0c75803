/// The report page's style sheet, inlined into `report.html` so the file needs nothing else.
/// System fonts only; a light theme that also prints (cards do not break across pages).
enum HTMLStyle {
    static let css = """
        :root {
          --ink: \(SVGStyle.ink); --muted: \(SVGStyle.muted); --line: \(SVGStyle.grid);
          --accent: \(SVGStyle.accent); --warn: \(SVGStyle.warn); --bg: #f4f6f9; --card: #ffffff;
        }
        * { box-sizing: border-box; }
        body {
          margin: 0; background: var(--bg); color: var(--ink);
          font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
        }
        main { max-width: 1120px; margin: 0 auto; padding: 32px 24px 48px; }
        header { margin-bottom: 20px; }
        .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: var(--muted);
          font-weight: 600; }
        h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 8px; overflow-wrap: anywhere; }
        h2 { font-size: 15px; margin: 0 0 4px; }
        .run { margin: 0; color: var(--muted); }
        .run b { color: var(--ink); font-weight: 600; }
        .note { color: var(--muted); font-size: 12.5px; margin: 0 0 12px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px;
          margin-bottom: 16px; box-shadow: 0 1px 2px rgba(16, 24, 40, .04); break-inside: avoid; min-width: 0; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px;
          margin-bottom: 16px; }
        .grid > .card { margin-bottom: 0; }
        .warnings { background: #fffbeb; border: 1px solid #fcd34d; border-left: 5px solid var(--warn);
          border-radius: 10px; padding: 12px 18px; margin-bottom: 16px; }
        .warnings h2 { color: #92400e; }
        .warnings ul { margin: 4px 0 0; padding-left: 20px; color: #78350f; }
        .metrics { display: grid; grid-template-columns: repeat(auto-fit, minmax(128px, 1fr)); gap: 12px;
          margin-bottom: 16px; }
        .metric { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
        .metric .name { font-size: 12px; font-weight: 700; letter-spacing: .04em; color: var(--muted); }
        .metric .value { font-size: 34px; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums;
          margin: 2px 0 6px; }
        .metric .detail { font-size: 11.5px; color: var(--muted); }
        .meter { height: 5px; background: #eef2f7; border-radius: 3px; overflow: hidden; margin-bottom: 8px; }
        .meter span { display: block; height: 100%; background: var(--accent); border-radius: 3px; }
        .chart { overflow-x: auto; }
        svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
        svg text { font-family: inherit; }
        .stat { display: flex; align-items: baseline; gap: 10px; margin-top: 14px; padding-top: 12px;
          border-top: 1px solid var(--line); }
        .stat .big { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
        .stat .label { color: var(--muted); }
        table.kv { border-collapse: collapse; width: 100%; font-size: 13px; margin-bottom: 12px; }
        table.kv th, table.kv td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
          vertical-align: top; }
        table.kv th { color: var(--muted); font-weight: 500; width: 40%; }
        table.kv td { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px;
          overflow-wrap: anywhere; }
        h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 14px 0 4px; }
        footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
        @media print { body { background: #ffffff; } .card, .metric { box-shadow: none; } }
        """
}
