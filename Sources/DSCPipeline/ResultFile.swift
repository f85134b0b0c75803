import DSCCluster
import DSCIO
import DSCMetrics
import DSCReport
import Foundation

/// The HDF5 result file of `dsc cluster --output`, written atomically (temporary file, then rename).
///
/// Layout (h5py reads it as it is):
/// - `labels` int64 `[N]`: the predicted cluster of each sample, 0..<K;
/// - `affinity/indptr` int64 `[N+1]`, `affinity/indices` int32 `[nnz]`, `affinity/data` float32
///   `[nnz]`: the symmetric affinity `W` as CSR (spectral only; `scipy.sparse.csr_matrix((data,
///   indices, indptr))` rebuilds it);
/// - `embedding` float32 `[N, K]`: the row-normalised spectral embedding (spectral only);
/// - `truth` int64 `[N]`: the input's labels, when it had them (so a report can be rebuilt alone);
/// - `predicted/labels` int64 `[M]` and, when that file had labels, `predicted/truth` int64 `[M]`:
///   the out-of-sample labels of the `--predict` file (attribute `input` on `predicted/labels`);
/// - root attributes: `method`, `parameters` (JSON object), `seed`, `version`, `input`,
///   `features_dataset`, `samples`, `dimension`, `clusters`, `timings` (JSON object of seconds),
///   `eigenvalues` (float64 array: the smallest eigenvalues of the normalised Laplacian, spectral
///   only) and `peak_memory_bytes` when known.
public enum ResultFile {
    /// Writes `outcome` to `path`; on any failure nothing is left at `path`.
    public static func write(_ outcome: ClusterOutcome, to path: String, peakMemoryBytes: Int? = nil) throws {
        try HDF5Writer.writeFile(path) { out in
            try out.write(outcome.labels.map(Int64.init), to: "labels")
            if let w = outcome.affinity {
                try out.write(w.indptr.map(Int64.init), to: "affinity/indptr")
                try out.write(w.indices, to: "affinity/indices")
                try out.write(w.values, to: "affinity/data")
                try out.setAttribute("shape", .ints([w.rows, w.columns]), on: "affinity/data")
            }
            if let e = outcome.embedding {
                try out.write(e, shape: [outcome.samples, e.count / max(outcome.samples, 1)], to: "embedding")
            }
            if let values = outcome.eigenvalues { try out.setAttribute("eigenvalues", .doubles(values)) }
            if let truth = outcome.truth { try out.write(truth.map(Int64.init), to: "truth") }
            if let p = outcome.prediction {
                try out.write(p.labels.map(Int64.init), to: "predicted/labels")
                try out.setAttribute("input", .string(p.input), on: "predicted/labels")
                if let truth = p.truth { try out.write(truth.map(Int64.init), to: "predicted/truth") }
            }
            try out.setAttribute("method", outcome.method.rawValue)
            try out.setAttribute(
                "parameters", JSONValue.object(outcome.parameters.map { ($0.0, .string($0.1)) }).serialized)
            try out.setAttribute("seed", Int(truncatingIfNeeded: outcome.seed))
            try out.setAttribute("version", deepSubspaceVersion)
            try out.setAttribute("input", outcome.input)
            try out.setAttribute("features_dataset", outcome.featuresDataset)
            try out.setAttribute("samples", outcome.samples)
            try out.setAttribute("dimension", outcome.dimension)
            try out.setAttribute("clusters", outcome.clusters)
            try out.setAttribute(
                "timings", JSONValue.object(outcome.timings.stages.map { ($0.name, .number($0.seconds)) }).serialized)
            if let solver = outcome.eigenSolver { try out.setAttribute("eigen_solver", solver) }
            if let peak = peakMemoryBytes { try out.setAttribute("peak_memory_bytes", peak) }
            if !outcome.warnings.isEmpty { try out.setAttribute("warnings", outcome.warnings.joined(separator: "\n")) }
        }
    }

    /// Reads a result file back into a ``ClusterOutcome`` (labels, embedding, eigenvalues, truth,
    /// the `--predict` labels with their scores, settings and timings; the affinity is left out,
    /// a report does not need it).
    public static func read(_ path: String) throws -> (outcome: ClusterOutcome, peakMemoryBytes: Int?) {
        let reader = try HDF5Reader(path: path)
        guard reader.contains("labels") else { throw PipelineError.missingInResult(file: path, dataset: "labels") }
        let labels = try reader.readLabels("labels")
        func string(_ name: String) -> String? { try? reader.stringAttribute(name) }
        func int(_ name: String) -> Int? { (try? reader.attribute(name))?.intValue }
        let method = string("method").flatMap(ClusterMethod.init(rawValue:)) ?? .spectral
        let parameters = parseJSONObject(string("parameters") ?? "{}")
        let clusters = int("clusters") ?? ((labels.max() ?? 0) + 1)
        var outcome = ClusterOutcome(
            input: string("input") ?? path, featuresDataset: string("features_dataset") ?? "features",
            samples: labels.count, dimension: int("dimension") ?? 0, clusters: clusters, method: method,
            seed: UInt64(truncatingIfNeeded: int("seed") ?? 0), parameters: parameters)
        outcome.labels = labels
        if reader.contains("truth") { outcome.truth = try reader.readLabels("truth", matchingRowsOf: "labels") }
        if let values = try? reader.attribute("eigenvalues") {
            switch values {
            case .doubles(let v): outcome.eigenvalues = v
            case .double(let v): outcome.eigenvalues = [v]
            default: break
            }
        }
        if reader.contains("embedding") {
            outcome.embedding = try reader.readMatrix("embedding", checkFinite: false).values
        }
        outcome.eigenSolver = string("eigen_solver")
        for (name, value) in parseJSONObject(string("timings") ?? "{}") {
            if let seconds = Double(value) { outcome.timings.record(name, seconds: seconds) }
        }
        if let w = string("warnings") { outcome.warnings = w.split(separator: "\n").map(String.init) }
        if reader.contains("predicted/labels") {
            let labels = try reader.readLabels("predicted/labels")
            let truth =
                reader.contains("predicted/truth")
                ? try reader.readLabels("predicted/truth", matchingRowsOf: "predicted/labels") : nil
            outcome.prediction = .init(
                input: (try? reader.stringAttribute("input", of: "predicted/labels")) ?? path,
                labels: labels, truth: truth)
        }
        return (outcome, int("peak_memory_bytes"))
    }

    /// Key/value pairs of a flat JSON object, values as text, in the file's key order.
    private static func parseJSONObject(_ text: String) -> [(String, String)] {
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [] }
        // JSONSerialization loses key order; recover it from the text.
        let keys = object.keys.sorted {
            (text.range(of: "\"\($0)\"")?.lowerBound ?? text.endIndex)
                < (text.range(of: "\"\($1)\"")?.lowerBound ?? text.endIndex)
        }
        return keys.map { key in
            let value = object[key]!
            if let s = value as? String { return (key, s) }
            return (key, "\(value)")
        }
    }
}
