import Foundation

/// Wall-clock seconds per pipeline stage, in the order the stages ran (e.g. graph, eigen, kmeans,
/// total).
///
/// Encodes (Codable) as one JSON object of stage → seconds, the `seconds` object of `dsc --json`;
/// JSON objects are unordered and Foundation's encoder may reorder the keys, so ``orderedJSON``
/// writes the same object with the stages in their order:
/// `{"graph":0.1,"eigen":0.02,"kmeans":0.01,"total":0.2}`.
public struct StageTimings: Codable, Sendable, Equatable {
    /// One stage and its seconds.
    public struct Stage: Sendable, Equatable {
        public var name: String
        public var seconds: Double
    }

    /// The stages in the order they were first recorded.
    public private(set) var stages: [Stage] = []

    public init() {}

    /// Stage names in order.
    public var names: [String] { stages.map(\.name) }

    /// Seconds of stage `name`, or nil when it was never recorded.
    public subscript(_ name: String) -> Double? {
        stages.first { $0.name == name }?.seconds
    }

    /// Adds `seconds` to stage `name`, appending the stage when it is new.
    public mutating func record(_ name: String, seconds: Double) {
        if let i = stages.firstIndex(where: { $0.name == name }) {
            stages[i].seconds += seconds
        } else {
            stages.append(Stage(name: name, seconds: seconds))
        }
    }

    /// Appends every stage of `other` (adding to stages already present).
    public mutating func merge(_ other: StageTimings) {
        for stage in other.stages { record(stage.name, seconds: stage.seconds) }
    }

    /// Runs `body`, records its wall-clock time under `name` and returns its value.
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { record(name, seconds: StageTimings.seconds(since: start)) }
        return try body()
    }

    /// Seconds elapsed on the continuous clock since `start`.
    public static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// The stages as one JSON object, keys in stage order, seconds in Swift's shortest
    /// round-trip form.
    public var orderedJSON: String {
        func quoted(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }
        let body = stages.map { "\(quoted($0.name)):\($0.seconds.isFinite ? "\($0.seconds)" : "null")" }
        return "{" + body.joined(separator: ",") + "}"
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for stage in stages { try container.encode(stage.seconds, forKey: Key(stringValue: stage.name)) }
    }

    /// Decodes a JSON object of stage → seconds; the key order of the decoder is kept.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            record(key.stringValue, seconds: try container.decode(Double.self, forKey: key))
        }
    }
}
