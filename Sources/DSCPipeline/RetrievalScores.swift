import DSCIO
import DSCMetrics
import DSCSearch
import DSCTensor

/// Retrieval scores over full rankings (relevance: the same label), means over the queries.
public struct RetrievalScores: Sendable, Equatable {
    /// mAP over the full ranking of the database.
    public var meanAveragePrecision: Double
    /// mAP over the top 5,000 (normalised by the relevant items found there).
    public var meanAveragePrecisionAt5000: Double
    /// Precision of the top 500.
    public var precisionAt500: Double
    /// Precision within Hamming radius 2 (codes only; 0 for a query with nothing that close).
    public var precisionWithinRadius2: Double?

    /// Ranks the whole database for every query (in chunks of 64 queries) and scores it.
    public init(
        index: any SearchIndex, queries: [Float], queryLabels: [Int], databaseLabels: [Int],
        progress: ProgressHandler? = nil
    ) {
        let d = index.dimension
        let q = queryLabels.count
        let chunk = 64
        var map = 0.0
        var map5000 = 0.0
        var p500 = 0.0
        var radius = 0.0
        for start in stride(from: 0, to: q, by: chunk) {
            let rows = min(chunk, q - start)
            let all = index.allDistances(Array(queries[(start * d)..<((start + rows) * d)]))
            let n = all.count / max(rows, 1)
            for r in 0..<rows {
                let distances = Array(all[(r * n)..<((r + 1) * n)])
                let label = queryLabels[start + r]
                let relevantByRow = databaseLabels.map { $0 == label }
                let relevant = Retrieval.ranking(distances).map { relevantByRow[$0] }
                map += Retrieval.averagePrecision(relevant)
                map5000 += Retrieval.averagePrecision(relevant, limit: 5000)
                p500 += Retrieval.precision(relevant, at: 500)
                if index.kind.isBinary {
                    radius += Retrieval.precisionWithin(
                        radius: 2, distances: distances.map { Int32($0) },
                        relevant: relevantByRow)
                }
            }
            progress?("evaluate", Double(start + rows) / Double(q))
        }
        let count = Double(max(q, 1))
        meanAveragePrecision = map / count
        meanAveragePrecisionAt5000 = map5000 / count
        precisionAt500 = p500 / count
        precisionWithinRadius2 = index.kind.isBinary ? radius / count : nil
    }
}

/// Reading the samples of a database or query file: flattened rows, finite, with labels when present.
enum SearchInput {
    static func read(
        _ path: String, _ features: String, _ labels: String, _ labelsRequired: Bool
    ) throws
        -> (matrix: HDF5Matrix, labels: [Int]?)
    {
        let reader = try HDF5Reader(path: path)
        let matrix = try reader.readMatrix(features, checkFinite: true)
        let truth = try reader.readLabels(labels, matchingRowsOf: features, required: labelsRequired)
        return (matrix, truth)
    }
}
