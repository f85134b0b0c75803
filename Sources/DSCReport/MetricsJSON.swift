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
        var object: [String: Any] = [
            "method": input.method,
            "n": input.samples,
            "clusters": input.clusters,
            "seed": NSNumber(value: input.seed),
            "seconds": seconds.mapValues(number),
            "cluster_sizes": input.clusterSizes,
        ]
        if let metrics = input.metrics {
            var values: [String: Any] = [:]
            for m in metrics { values[m.name] = number(m.value) }
            object["metrics"] = values
        }
        if let peak = input.peakMemoryBytes { object["peak_memory_bytes"] = peak }
        var data = try JSONSerialization.data(withJSONObject: object,
                                              options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }

    /// A JSON number, or `null` for values JSON cannot represent.
    private static func number(_ value: Double) -> Any { value.isFinite ? value : NSNull() }
}
