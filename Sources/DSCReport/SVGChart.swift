import Foundation

/// A minimal SVG document builder: the primitives the report's charts are drawn with.
///
/// Coordinates are user units (= CSS pixels at natural size), origin top-left, y downwards. Every
/// piece of text and every attribute value is HTML-escaped here, so chart code may pass any user
/// string. The output is an inline `<svg>` element with a `viewBox`, meant to be embedded in an
/// HTML page (it scales down with the page through CSS `max-width: 100%`); it references nothing
/// outside itself.
struct SVGCanvas {
    /// Natural size of the drawing.
    let width: Double, height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A number for an attribute: at most two decimals, no trailing zeros (`12`, `3.5`, `0.25`).
    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    private static func attributes(_ attrs: [(String, String)]) -> String {
        attrs.map { " \($0.0)=\"\(Format.html($0.1))\"" }.joined()
    }

    /// `<title>` child: the tooltip a browser shows on hover.
    private static func tooltip(_ title: String?) -> String {
        title.map { "<title>\(Format.html($0))</title>" } ?? ""
    }

    /// Appends an element `<name attrs…>` with an optional tooltip.
    mutating func element(_ name: String, _ attrs: [(String, String)], title: String? = nil) {
        if let title {
            elements.append("<\(name)\(Self.attributes(attrs))>\(Self.tooltip(title))</\(name)>")
        } else {
            elements.append("<\(name)\(Self.attributes(attrs))/>")
        }
    }

    /// A filled rectangle, optionally with rounded corners `radius`, a CSS `className`, a tooltip.
    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String,
        radius: Double = 0, stroke: String? = nil, className: String? = nil, title: String? = nil
    ) {
        var a = [
            ("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(width, 0))),
            ("height", Self.n(max(height, 0))), ("fill", fill),
        ]
        if radius > 0 { a.append(("rx", Self.n(radius))) }
        if let stroke { a += [("stroke", stroke), ("stroke-width", "1")] }
        if let className { a.append(("class", className)) }
        element("rect", a, title: title)
    }

    /// A straight line; `dash` is an SVG dash array such as `"4 3"`.
    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
        width: Double = 1, dash: String? = nil
    ) {
        var a = [
            ("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2)),
            ("stroke", stroke), ("stroke-width", Self.n(width)),
        ]
        if let dash { a.append(("stroke-dasharray", dash)) }
        element("line", a)
    }

    /// An open polyline through `points` (non-finite points must be removed by the caller).
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        element(
            "polyline",
            [
                ("points", p), ("fill", "none"), ("stroke", stroke),
                ("stroke-width", Self.n(width)), ("stroke-linejoin", "round"),
            ])
    }

    /// A filled circle with an optional white outline and tooltip.
    mutating func circle(x: Double, y: Double, radius: Double, fill: String, title: String? = nil) {
        element(
            "circle",
            [
                ("cx", Self.n(x)), ("cy", Self.n(y)), ("r", Self.n(radius)), ("fill", fill),
                ("stroke", "#ffffff"), ("stroke-width", "1.5"),
            ], title: title)
    }

    /// Text at (x, y) (baseline-left for `anchor: "start"`). `rotate` turns it about (x, y), in degrees.
    mutating func text(
        _ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start",
        fill: String = SVGStyle.ink, weight: String? = nil, rotate: Double = 0,
        baseline: String? = nil, title: String? = nil
    ) {
        var a = [
            ("x", Self.n(x)), ("y", Self.n(y)), ("font-size", Self.n(size)), ("fill", fill),
            ("text-anchor", anchor),
        ]
        if let weight { a.append(("font-weight", weight)) }
        if let baseline { a.append(("dominant-baseline", baseline)) }
        if rotate != 0 { a.append(("transform", "rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))")) }
        elements.append("<text\(Self.attributes(a))>\(Self.tooltip(title))\(Format.html(content))</text>")
    }

    /// The finished `<svg>` element; `label` is its accessible name (`aria-label`).
    func render(label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\""
            + " viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" role=\"img\" aria-label=\"\(Format.html(label))\">"
            + elements.joined() + "</svg>"
    }
}

/// An affine map from a data interval `domain` onto a pixel interval `range` (either may be
/// reversed, e.g. a y axis). A degenerate domain (`lo == hi`) maps everything to the range's middle.
struct LinearScale {
    let domain: (Double, Double), range: (Double, Double)

    func callAsFunction(_ v: Double) -> Double {
        let span = domain.1 - domain.0
        guard span != 0 else { return (range.0 + range.1) / 2 }
        return range.0 + (v - domain.0) / span * (range.1 - range.0)
    }
}

/// Colours and measures shared by the charts and the page style.
enum SVGStyle {
    static let ink = "#1f2937", muted = "#6b7280", grid = "#e5e7eb", axis = "#9ca3af"
    static let accent = "#2563eb", accentSoft = "#93b4f5", warn = "#d97706", warnSoft = "#fef3c7"
    static let danger = "#dc2626"

    /// Estimated rendered width of `text` at `size` px in a sans-serif font (0.62 em per character,
    /// on the wide side): good enough to lay out labels without measuring.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.62 }

    /// A sequential white-to-blue colour for `t` in [0, 1] (clamped; NaN → 0), linear in RGB
    /// between five stops. Perceptually ordered light → dark, legible for colour-blind readers.
    static func sequential(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [
            (246, 248, 252), (190, 212, 236), (112, 160, 214),
            (45, 106, 178), (16, 56, 112),
        ]
        let x = t.isNaN ? 0 : min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let f = x - Double(i)
        let a = stops[i]
        let b = stops[i + 1]
        func c(_ u: Double, _ v: Double) -> Int { Int((u + (v - u) * f).rounded()) }
        return String(format: "#%02x%02x%02x", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }

    /// Whether text drawn on `sequential(t)` should be white rather than dark.
    static func needsLightText(_ t: Double) -> Bool { t > 0.5 }

    /// About `count` round tick values (steps of 1, 2 or 5 × 10ᵏ) covering [lo, hi], ascending.
    /// A degenerate or non-finite interval gives `[lo]` (or `[0]`).
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [0] }
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = ceil(lo / step - 1e-9)
        var out: [Double] = []
        var k = first
        while k * step <= hi + step * 1e-9 {
            out.append(k * step)
            k += 1
        }
        return out
    }
}
