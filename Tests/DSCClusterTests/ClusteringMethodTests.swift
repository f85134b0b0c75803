import DSCMetrics
import DSCTensor
import XCTest

@testable import DSCCluster

/// Every method through one protocol: configure, fit a source of rows, read labels, the spectral
/// stage (when the method has one), timings and warnings.
final class ClusteringMethodTests: XCTestCase {
    /// Three well-separated lines through the origin in 6 dimensions (a union of 1-d subspaces),
    /// 40 samples each, with a little noise.
    func lines() -> (ArraySamples, [Int]) {
        var g = SeededGenerator(seed: 12)
        let d = 6
        let per = 40
        var x: [Float] = []
        var truth: [Int] = []
        for c in 0..<3 {
            var dir = [Float](repeating: 0, count: d)
            dir[2 * c] = 1
            dir[2 * c + 1] = 0.5
            for _ in 0..<per {
                let t = Float(g.nextGaussian()) + (g.nextGaussian() > 0 ? 2 : -2)
                x += dir.map { $0 * t + 0.01 * Float(g.nextGaussian()) }
                truth.append(c)
            }
        }
        return (ArraySamples(values: x, shape: [3 * per, d]), truth)
    }

    func testEveryMethodFitsThroughTheProtocol() throws {
        let (samples, truth) = lines()
        var spectral = SpectralClustering(clusters: 3)
        spectral.metric = .absoluteInnerProduct  // lines through the origin: both signs alike
        let methods: [any ClusteringMethod] = [
            spectral, ElasticNetSubspaceClustering(clusters: 3), SSCOMP(clusters: 3, maxAtoms: 2),
            KMeans(clusters: 3, restarts: 5),
        ]
        for method in methods {
            let result = try method.fit(samples, progress: nil)
            XCTAssertEqual(result.labels.count, truth.count, "\(type(of: method))")
            let acc = ClusteringMetrics(truth: truth, predicted: result.labels).acc
            if method is KMeans {
                XCTAssertNil(result.spectralResult)
                XCTAssertNotNil(result.timings["kmeans"])
            } else {
                // SSC-OMP codes each sample of a line by one atom: a graph of many small pieces.
                if !(method is SSCOMP) { XCTAssertEqual(acc, 1, "\(type(of: method))") }
                XCTAssertEqual(result.spectralResult?.affinity.rows, truth.count, "\(type(of: method))")
                XCTAssertNotNil(result.timings["eigen"], "\(type(of: method))")
            }
        }
    }

    func testSeedAndClustersAreSettableThroughTheProtocol() throws {
        var method: any ClusteringMethod = SpectralClustering(clusters: 2)
        method.clusters = 3
        method.seed = 7
        XCTAssertEqual((method as? SpectralClustering)?.clusters, 3)
        XCTAssertEqual((method as? SpectralClustering)?.seed, 7)
    }
}
