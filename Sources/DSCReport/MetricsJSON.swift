import Foundation

/// The machine-readable summary, `metrics.json`.
///
/// One JSON object with sorted keys (stable, diff-friendly output):
/// ```
/// {"cluster_sizes":[…],"clusters":10,"method":"spectral","metrics":{"acc":0.9,…},"n":1797,
///  "peak_memory_bytes":123456789,"seconds":{"eigen":0.02,…},"seed":0}
/// ```
/// - `metrics` is absent when the input has no metrics (no labels); `peak_memory_bytes` is absent
///   when not measured.
/// - `seconds` maps each stage (including `total`, if given) to its time; a stage listed twice is
///   summed.
/// - Non-finite values (NaN, ±∞), which JSON cannot hold, are written as `null`.
enum MetricsJSON {
    /// The JSON text, UTF-8, ending in a newline.
    static func render(_ input: ReportInput) throws -> Data {
        var seconds: [String: Double] = [:]
        for t in input.timings { seconds[t.stage, default: 0] += t.seconds }
        var object: [(String, JSONValue)] = [
            ("method", .string(input.method)),
            ("n", .integer(input.samples)),
            ("clusters", .integer(input.clusters)),
            ("seed", .unsigned(input.seed)),
            ("seconds", .object(seconds.keys.sorted().map { ($0, .number(seconds[$0]!)) })),
            ("cluster_sizes", .array(input.clusterSizes.map { .integer($0) })),
        ]
        if let metrics = input.metrics {
            object.append(
                ("metrics", .object(metrics.sorted { $0.name < $1.name }.map { ($0.name, .number($0.value)) })))
        }
        if let peak = input.peakMemoryBytes { object.append(("peak_memory_bytes", .integer(peak))) }
        object.sort { $0.0 < $1.0 }
        return Data((JSONValue.object(object).serialized + "\n").utf8)
    }
}
