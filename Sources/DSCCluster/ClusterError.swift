import Foundation

/// A user's bad input to a clustering stage, found at the public boundary.
///
/// Every message names the offending value and the limit it broke, in scikit-learn's manner
/// (`clusters=12 must be <= n_samples=10`), so that the CLI can print it as one line.
/// Programmer mistakes inside the cores are `precondition`s instead.
public enum ClusterError: Error, LocalizedError, Equatable, Sendable {
    /// The input has no samples (`n_samples=0`) or no features.
    case emptyInput(samples: Int, features: Int)
    /// `clusters` is below 2 or above the number of samples.
    case invalidClusterCount(clusters: Int, samples: Int)
    /// `neighbors` is below 1 or not below the number of samples.
    case invalidNeighborCount(neighbors: Int, samples: Int)
    /// A sample holds NaN or ±infinity.
    case nonFiniteValue(row: Int)
    /// An array's length does not match the shape given with it.
    case shapeMismatch(name: String, count: Int, expected: Int)
    /// An affinity matrix that is not square.
    case notSquare(rows: Int, columns: Int)
    /// Any other parameter outside its range: `name=value must be requirement`.
    case invalidParameter(name: String, value: String, requirement: String)

    public var errorDescription: String? {
        switch self {
        case .emptyInput(let samples, let features):
            return
                "n_samples=\(samples), n_features=\(features): the input must hold at least one sample and one feature"
        case .invalidClusterCount(let clusters, let samples):
            if clusters < 2 { return "clusters=\(clusters) must be >= 2" }
            return "clusters=\(clusters) must be <= n_samples=\(samples)"
        case .invalidNeighborCount(let neighbors, let samples):
            if neighbors < 1 { return "neighbors=\(neighbors) must be >= 1" }
            return "neighbors=\(neighbors) must be < n_samples=\(samples)"
        case .nonFiniteValue(let row):
            return "sample \(row) holds a NaN or infinite value"
        case .shapeMismatch(let name, let count, let expected):
            return "\(name) has \(count) values, expected \(expected)"
        case .notSquare(let rows, let columns):
            return "affinity is [\(rows), \(columns)], it must be square"
        case .invalidParameter(let name, let value, let requirement):
            return "\(name)=\(value) must be \(requirement)"
        }
    }
}

extension ClusterError {
    /// Throws unless `2 <= clusters <= samples`.
    public static func checkClusters(_ clusters: Int, samples: Int) throws {
        if clusters < 2 || clusters > samples {
            throw ClusterError.invalidClusterCount(clusters: clusters, samples: samples)
        }
    }

    /// Throws unless `1 <= neighbors < samples`.
    static func checkNeighbors(_ neighbors: Int, samples: Int) throws {
        if neighbors < 1 || neighbors >= samples {
            throw ClusterError.invalidNeighborCount(neighbors: neighbors, samples: samples)
        }
    }
}
