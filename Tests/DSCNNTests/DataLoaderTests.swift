import DSCIO
import DSCTensor
import Foundation
import XCTest

@testable import DSCNN

/// Batching, shuffling, determinism and prefetching of `DataLoader` over in-memory samples.
final class DataLoaderTests: XCTestCase {
    /// N samples of shape [2] whose values encode the index: sample i is [i, 100 + i].
    static func indexed(_ n: Int) -> (values: [Float], labels: [Int]) {
        ((0..<n).flatMap { [Float($0), Float(100 + $0)] }, (0..<n).map { $0 % 3 })
    }

    func testEveryEpochVisitsEverySampleOnceWithTheLastPartialBatchKept() throws {
        let (values, labels) = Self.indexed(10)
        let loader = DataLoader(values: values, shape: [10, 2], labels: labels, batchSize: 3, seed: 1)
        XCTAssertEqual(loader.batchesPerEpoch, 4)
        var seen: [Int] = []
        var sizes: [Int] = []
        try loader.forEachBatch(epoch: 0) { batch in
            sizes.append(batch.count)
            XCTAssertEqual(batch.inputs.shape, [batch.count, 2])
            XCTAssertEqual(batch.inputs.data, batch.indices.flatMap { [Float($0), Float(100 + $0)] })
            XCTAssertEqual(batch.labels, batch.indices.map { $0 % 3 })
            XCTAssertFalse(batch.inputs.requiresGrad)
            seen += batch.indices
        }
        XCTAssertEqual(sizes, [3, 3, 3, 1])
        XCTAssertEqual(seen.sorted(), Array(0..<10))
        XCTAssertNotEqual(seen, Array(0..<10), "shuffled")
        XCTAssertEqual(seen, loader.order(epoch: 0))
    }

    func testDropLastAndTooFewSamples() {
        let (values, _) = Self.indexed(10)
        let loader = DataLoader(values: values, shape: [10, 2], batchSize: 3, dropLast: true)
        XCTAssertEqual(loader.batchesPerEpoch, 3)
        XCTAssertEqual(Array(loader.epoch(0)).map(\.count), [3, 3, 3])
        XCTAssertNil(Array(loader.epoch(0))[0].labels)
        let tiny = DataLoader(values: values, shape: [10, 2], batchSize: 16, dropLast: true)
        XCTAssertEqual(Array(tiny.epoch(0)).count, 0)
        let kept = DataLoader(values: values, shape: [10, 2], batchSize: 16)
        XCTAssertEqual(Array(kept.epoch(0)).map(\.count), [10])
    }

    func testOrderDependsOnlyOnSeedAndEpoch() {
        let (values, _) = Self.indexed(50)
        let a = DataLoader(values: values, shape: [50, 2], batchSize: 8, seed: 42)
        let b = DataLoader(values: values, shape: [50, 2], batchSize: 8, seed: 42, prefetch: 0)
        let c = DataLoader(values: values, shape: [50, 2], batchSize: 8, seed: 43)
        XCTAssertEqual(a.order(epoch: 3), b.order(epoch: 3))
        XCTAssertNotEqual(a.order(epoch: 3), a.order(epoch: 4))
        XCTAssertNotEqual(a.order(epoch: 3), c.order(epoch: 3))
        XCTAssertEqual(a.order(epoch: 3).sorted(), Array(0..<50))
        // Epoch e's permutation comes from SeededGenerator(seed).fork(e), whatever came before.
        XCTAssertEqual(Array(a.epoch(5)).flatMap(\.indices), a.order(epoch: 5))
        let unshuffled = DataLoader(values: values, shape: [50, 2], batchSize: 8, shuffle: false)
        XCTAssertEqual(unshuffled.order(epoch: 9), Array(0..<50))
    }

    func testBoundedDrawIsUniformEnough() {
        var generator = SeededGenerator(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[DataLoader.draw(below: 7, &generator)] += 1 }
        XCTAssertTrue(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
    }

    func testPrefetchGivesTheSameBatchesAsSynchronousLoadingWhateverTheTiming() {
        let (values, labels) = Self.indexed(37)
        // A transform that uses its generator and takes variable time.
        let transform: DataLoader.Transform = { batch, generator in
            var b = batch
            let noise = (0..<b.inputs.count).map { _ in Float(generator.nextGaussian()) }
            b.views = [Tensor(zip(b.inputs.data, noise).map(+), shape: b.inputs.shape)]
            if generator.nextUniform() < 0.5 { usleep(2000) }
            return b
        }
        func run(_ prefetch: Int, slowConsumer: Bool) -> [[Float]] {
            let loader = DataLoader(
                values: values, shape: [37, 2], labels: labels, batchSize: 5, seed: 9,
                prefetch: prefetch, transform: transform)
            return loader.epoch(2).map { batch in
                if slowConsumer { usleep(3000) }
                return batch.views[0].data + batch.indices.map(Float.init)
            }
        }
        let reference = run(0, slowConsumer: false)
        XCTAssertEqual(reference.count, 8)
        XCTAssertEqual(run(1, slowConsumer: true), reference)
        XCTAssertEqual(run(2, slowConsumer: false), reference)
        XCTAssertEqual(run(4, slowConsumer: true), reference)
    }

    func testLeavingAnEpochEarlyStopsTheProducer() {
        let (values, _) = Self.indexed(400)
        let made = LoaderCallCounter()
        let loader = DataLoader(
            values: values, shape: [400, 2], batchSize: 4, prefetch: 2,
            transform: { batch, _ in
                made.increment()
                return batch
            })
        for batch in loader.epoch(0) where batch.index == 1 { break }
        usleep(100_000)
        let afterBreak = made.value
        usleep(100_000)
        XCTAssertEqual(made.value, afterBreak, "the producer stopped")
        XCTAssertLessThanOrEqual(afterBreak, 2 + 2 + 1, "at most the batches taken, the queue and one in flight")
    }

    func testAReadErrorEndsTheEpochAndIsRethrown() {
        let source = FailingSampleSource(count: 20, failAt: 9)
        for prefetch in [0, 2] {
            let loader = DataLoader(source, batchSize: 4, shuffle: false, prefetch: prefetch)
            let epoch = loader.epoch(0)
            XCTAssertEqual(Array(epoch).map(\.index), [0, 1], "prefetch \(prefetch)")
            XCTAssertEqual(epoch.error as? FailingSampleSource.Failure, .damaged(index: 9))
            XCTAssertThrowsError(try epoch.check())
            XCTAssertThrowsError(try loader.forEachBatch(epoch: 0) { _ in })
        }
    }
}

/// A thread-safe counter.
final class LoaderCallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}

/// Samples [i] that fail to read at one index.
struct FailingSampleSource: SampleSource {
    enum Failure: Error, Equatable { case damaged(index: Int) }
    let count: Int
    let failAt: Int
    var sampleShape: [Int] { [1] }
    var labels: [Int]? { nil }
    func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        for (k, i) in indices.enumerated() {
            if i == failAt { throw Failure.damaged(index: i) }
            buffer[k] = Float(i)
        }
    }
}
