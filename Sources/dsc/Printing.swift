import DSCCluster
import DSCDeep
import DSCMetrics
import DSCPipeline
import DSCReport
import Foundation

/// The `--json` object: `n`, `clusters`, `method`, `seconds`, then `metrics` when labels are known.
func outcomeJSON(_ o: ClusterOutcome) -> JSONValue {
    var fields: [(String, JSONValue)] = [
        ("n", .integer(o.samples)), ("clusters", .integer(o.clusters)), ("method", .string(o.method.rawValue)),
        ("seed", .integer(Int(o.seed))),
        ("seconds", .object(o.timings.stages.map { ($0.name, .number(($0.seconds * 1e4).rounded() / 1e4)) })),
    ]
    if let m = o.metrics { fields.append(("metrics", metricsJSON(m))) }
    if let p = o.prediction {
        var predicted: [(String, JSONValue)] = [("input", .string(p.input)), ("n", .integer(p.labels.count))]
        if let m = p.metrics { predicted.append(("metrics", metricsJSON(m))) }
        fields.append(("predicted", .object(predicted)))
    }
    if let s = o.eigenSolver { fields.append(("eigen_solver", .string(s))) }
    if let g = o.graphGFLOPS { fields.append(("graph_gflops", .number((g * 10).rounded() / 10))) }
    if !o.warnings.isEmpty { fields.append(("warnings", .array(o.warnings.map { .string($0) }))) }
    return .object(fields)
}

/// The metrics object of `--json` and of `dsc evaluate --json`.
func metricsJSON(_ m: ClusteringMetrics) -> JSONValue {
    .object([
        ("acc", .number(m.acc)), ("nmi", .number(m.nmi)), ("nmi_geometric", .number(m.nmiGeometric)),
        ("ari", .number(m.ari)), ("ami", .number(m.ami)),
    ])
}

/// A few human lines: what was clustered, the scores, where the time went, what was written.
func outcomeSummary(_ o: ClusterOutcome, output: String?, report: String?, peak: Int?) -> String {
    var lines: [String] = []
    let name = (o.input as NSString).lastPathComponent
    lines.append(
        "\(name): \(o.samples) samples × \(o.dimension) features → \(o.clusters) clusters (\(o.method.rawValue), seed \(o.seed))"
    )
    if let m = o.metrics {
        lines.append(metricsLine(m))
    } else {
        lines.append("  no labels in the file: scores not computed")
    }
    if let p = o.prediction {
        lines.append("\((p.input as NSString).lastPathComponent): \(p.labels.count) samples labelled out of sample")
        lines.append(p.metrics.map(metricsLine) ?? "  no labels in the file: scores not computed")
    }
    let stages = o.timings.stages.filter { $0.name != "total" }.map {
        "\($0.name) \(String(format: "%.2f", $0.seconds))s"
    }
    var time = "  time   " + stages.joined(separator: " · ")
    if let total = o.timings["total"] { time += "  (total \(String(format: "%.2f", total))s)" }
    lines.append(time)
    if let peak { lines.append("  memory peak \(String(format: "%.0f", Double(peak) / 1_048_576)) MiB") }
    if let output { lines.append("  wrote  \(output)") }
    if let report { lines.append("  report \(report)/report.html") }
    return lines.joined(separator: "\n")
}

func metricsLine(_ m: ClusteringMetrics) -> String {
    String(
        format: "  ACC %.4f  NMI %.4f  ARI %.4f  AMI %.4f  (NMI geometric %.4f)", m.acc, m.nmi, m.ari, m.ami,
        m.nmiGeometric)
}

/// The `dsc train --json` object.
func trainJSON(_ o: TrainOutcome) -> JSONValue {
    .object([
        ("n", .integer(o.samples)), ("input", .string(o.kind.description)), ("output", .string(o.output)),
        ("steps", .integer(o.steps)), ("resumed_at", .integer(o.resumedAt)),
        ("seconds", .number((o.seconds * 100).rounded() / 100)),
        (
            "epochs",
            .array(
                o.history.map { e in
                    .object([
                        ("epoch", .integer(e.epoch + 1)), ("loss", .number(e.loss)),
                        ("contrastive", .number(e.contrastiveLoss)), ("self_expression", .number(e.selfExpressionLoss)),
                        ("nonzeros", .number(e.nonzeros)), ("threshold", .number(Double(e.threshold))),
                        ("seconds", .number((e.seconds * 100).rounded() / 100)),
                    ])
                })
        ),
    ])
}

/// A few human lines about a training run.
func trainSummary(_ o: TrainOutcome) -> String {
    var lines = ["\((o.input as NSString).lastPathComponent): \(o.samples) samples (\(o.kind)) → \(o.output)"]
    if o.resumedAt > 0 { lines.append("  resumed at step \(o.resumedAt)") }
    for e in o.history {
        lines.append(
            String(
                format: "  epoch %3d  loss %.4f  contrastive %.4f  self-expression %.4f  nnz/sample %.1f  %.1fs",
                e.epoch + 1, e.loss, e.contrastiveLoss, e.selfExpressionLoss, e.nonzeros, e.seconds))
    }
    lines.append(String(format: "  %d steps, %.1fs", o.steps, o.seconds))
    return lines.joined(separator: "\n")
}

/// Seconds per stage as a JSON object, to 0.1 ms.
func secondsJSON(_ timings: StageTimings) -> JSONValue {
    .object(timings.stages.map { ($0.name, .number(($0.seconds * 1e4).rounded() / 1e4)) })
}

/// `  time   stage 0.12s · stage 0.34s`, with `decimals` decimals.
func timeLine(_ timings: StageTimings, decimals: Int = 2) -> String {
    "  time   "
        + timings.stages.map { "\($0.name) \(String(format: "%.\(decimals)f", $0.seconds))s" }.joined(separator: " · ")
}
