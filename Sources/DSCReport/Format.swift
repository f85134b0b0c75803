import Foundation

/// Text escaping and number formatting shared by the Markdown, HTML and SVG writers.
/// All formatting is locale-independent (POSIX), so reports are byte-identical across machines.
enum Format {
    /// Escapes `&`, `<`, `>`, `"` and `'` so that any text is safe inside HTML/SVG element content
    /// and inside double- or single-quoted attribute values.
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Makes text safe inside one Markdown table cell or one line: backslash-escapes `|`, `\`,
    /// backticks, `*`, `_`, `<` and `>`, and turns line breaks into spaces.
    static func markdown(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "|", "\\", "`", "*", "_", "<", ">", "[", "]": out += "\\\(ch)"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    /// `value` with `digits` decimals (`"0.912"`); `"n/a"` for NaN and `"∞"`/`"-∞"` for infinities.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        if value.isNaN { return "n/a" }
        if value.isInfinite { return value > 0 ? "∞" : "-∞" }
        return String(format: "%.\(digits)f", value)
    }

    /// A compact number with about `significant` significant digits: plain decimals for
    /// 1e-3 ≤ |v| < 1e6 (trailing zeros dropped), scientific notation outside (`"2.4e-07"`).
    static func compact(_ value: Double, significant: Int = 3) -> String {
        if !value.isFinite { return fixed(value, 0) }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude < 1e-3 || magnitude >= 1e6 { return String(format: "%.\(max(significant - 1, 0))e", value) }
        let decimals = max(0, significant - 1 - Int(floor(log10(magnitude))))
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// `compact(value)`, except that whole numbers below 10¹⁵ in magnitude are written in full with
    /// thousands separators (`2000` → `"2,000"`, `0.25` → `"0.25"`): for counts and axis ticks.
    static func number(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 { return grouped(Int(value)) }
        return compact(value)
    }

    /// A percentage of `part / whole` with no decimals, `"<1 %"` for a positive share that would
    /// round to 0, and `"–"` when `whole` is not positive.
    static func percent(_ part: Double, of whole: Double) -> String {
        guard whole > 0, part.isFinite, whole.isFinite else { return "–" }
        let p = 100 * part / whole
        return p > 0 && p < 0.5 ? "<1 %" : "\(fixed(p, 0)) %"
    }

    /// An integer with comma thousands separators: `1797` → `"1,797"`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// A duration for people: `"420 µs"`, `"12.3 ms"`, `"1.24 s"`, `"3 min 05 s"`, `"2 h 07 min"`.
    static func duration(_ seconds: Double) -> String {
        if !seconds.isFinite { return fixed(seconds, 0) }
        let s = max(seconds, 0)
        if s == 0 { return "0 s" }
        if s < 1e-3 { return "\(compact(s * 1e6)) µs" }
        if s < 1 { return "\(compact(s * 1e3)) ms" }
        if s < 60 { return "\(compact(s)) s" }
        let whole = Int(s.rounded())
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// Bytes in binary units: `"512 B"`, `"1.5 KiB"`, `"2.31 GiB"`.
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count)
        var unit = 0
        while abs(value) >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(compact(value)) \(units[unit])"
    }

    /// Display label and short explanation of a well-known metric key; unknown keys are returned
    /// unchanged with no explanation. A well-known key with the prefix `predicted_` is the same
    /// score of the samples labelled out of sample (`dsc cluster --predict`).
    static func metricLabel(_ name: String) -> (label: String, detail: String) {
        let prefix = "predicted_"
        if name.lowercased().hasPrefix(prefix) {
            let base = metricLabel(String(name.dropFirst(prefix.count)))
            if !base.detail.isEmpty {
                return (base.label + ", out of sample", base.detail + ", of the predicted samples")
            }
        }
        switch name.lowercased() {
        case "acc": return ("ACC", "accuracy after Hungarian matching")
        case "nmi": return ("NMI", "normalised mutual information, arithmetic mean")
        case "nmi_geometric": return ("NMI (geom.)", "normalised mutual information, geometric mean")
        case "ari": return ("ARI", "adjusted Rand index")
        case "ami": return ("AMI", "adjusted mutual information")
        default: return (name, "")
        }
    }
}
