import Dispatch
import XCTest

@testable import DSCTensor

/// Speed micro-checks: they print timings and assert nothing about time (benchmarks measure
/// speed, tests check behaviour). Skipped unless `DSC_MICROCHECK=1`; run them in release:
/// `DSC_MICROCHECK=1 swift test -c release -Xswiftc -enable-testing --filter MicroCheckTests`.
final class MicroCheckTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["DSC_MICROCHECK"] == "1", "set DSC_MICROCHECK=1")
    }

    /// Wall-clock and process CPU seconds (all threads) of `body`.
    func seconds(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let c0 = clock()
        body()
        return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, Double(clock() - c0) / Double(CLOCKS_PER_SEC))
    }

    func format(_ t: (wall: Double, cpu: Double)) -> String {
        String(format: "%.3f s (cpu %.3f s)", t.wall, t.cpu)
    }

    func testConv2dForwardBackwardTiming() {
        var g = SeededGenerator(seed: 1)
        let x = Tensor.randn([256, 32, 28, 28], generator: &g, requiresGrad: true)
        let w = Tensor.randn([64, 32, 3, 3], std: 0.05, generator: &g, requiresGrad: true)
        let b = Tensor.zeros([64], requiresGrad: true)
        let seed = Tensor.ones([256, 64, 28, 28])
        for run in 0..<3 {
            var y: Tensor!
            let forward = seconds { y = x.conv2d(weight: w, bias: b, padding: 1) }
            let backward = seconds { y.backward(seed: seed) }
            print(
                "conv2d [256,32,28,28] * [64,32,3,3] pad 1, run \(run): forward \(format(forward)), backward \(format(backward))"
            )
            x.zeroGrad()
            w.zeroGrad()
            b.zeroGrad()
        }
        XCTAssertEqual(w.grad!.shape, [64, 32, 3, 3])
    }

    func testConv2dBreakdown() {
        // Where the forward time goes: im2col alone and the GEMMs alone, single thread.
        let geo = ConvGeometry(
            batch: 256, channels: 32, height: 28, width: 28, outChannels: 64,
            kernelH: 3, kernelW: 3, stride: 1, padding: 1)
        var g = SeededGenerator(seed: 2)
        let x = Tensor.randn([256, 32, 28, 28], generator: &g)
        let w = Tensor.randn([64, 288], generator: &g)
        var col = [Float](repeating: 0, count: geo.patch * geo.positions)
        var y = [Float](repeating: 0, count: 64 * geo.positions)
        let im2col = seconds {
            x.data.withUnsafeBufferPointer { px in
                col.withUnsafeMutableBufferPointer { pc in
                    for b in 0..<256 { geo.im2col(px.baseAddress! + b * geo.imageSize, pc.baseAddress!) }
                }
            }
        }
        let gemm = seconds {
            for _ in 0..<256 {
                BLAS.sgemm(
                    m: 64, n: geo.positions, k: geo.patch, a: w.data, lda: geo.patch, b: col, ldb: geo.positions,
                    c: &y, ldc: geo.positions)
            }
        }
        print(
            "conv2d forward breakdown, 256 images: im2col \(format(im2col)), sgemm \(format(gemm)) (BLAS threads \(BLAS.threads))"
        )
    }

    /// im2col alone, tile by tile as the forward fills it, for every 3×3 shape of the 32-64-128
    /// backbone on 256 images, single thread.
    func testIm2colTiming() {
        let shapes = [(32, 28, 1), (32, 28, 2), (64, 14, 1), (64, 14, 2), (128, 7, 1)]
        var g = SeededGenerator(seed: 3)
        for (c, h, s) in shapes {
            let geo = ConvGeometry(
                batch: 256, channels: c, height: h, width: h, outChannels: c,
                kernelH: 3, kernelW: 3, stride: s, padding: 1)
            let x = Tensor.randn([256, c, h, h], generator: &g)
            var col = [Float](repeating: 0, count: geo.columnCapacity)
            var best = Double.infinity
            for _ in 0..<5 {
                let t = seconds {
                    x.data.withUnsafeBufferPointer { px in
                        col.withUnsafeMutableBufferPointer { pc in
                            geo.forEachTile(0..<256) { geo.fillColumns(px.baseAddress!, $0, pc.baseAddress!) }
                        }
                    }
                }
                best = min(best, t.wall)
            }
            let floats = Double(geo.patch * geo.positions * 256)
            print(
                String(
                    format: "im2col %d ch %d×%d stride %d: %.1f ms, %.2f GB/s written", c, h, h, s, best * 1000,
                    floats * 4 / best / 1e9))
        }
    }
}
