import Foundation

/// A JSON value whose objects keep their key order: the one JSON writer of the toolkit (`--json`
/// output, `metrics.json`, the result file's attributes), so every output reads in a stable,
/// documented order. A non-finite number is written as `null`.
public indirect enum JSONValue: Sendable {
    case number(Double)
    case integer(Int)
    case unsigned(UInt64)
    case string(String)
    case bool(Bool)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Compact serialisation on one line.
    public var serialized: String {
        switch self {
        case .number(let x):
            guard x.isFinite else { return "null" }
            if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
            return "\(x)"  // shortest text that reads back as the same Double
        case .integer(let i): return String(i)
        case .unsigned(let u): return String(u)
        case .string(let s): return JSONValue.quote(s)
        case .bool(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(\.serialized).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.map { JSONValue.quote($0.0) + ":" + $0.1.serialized }.joined(separator: ",") + "}"
        }
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
