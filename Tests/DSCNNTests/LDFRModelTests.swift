import DSCNNIO
import DSCTensor
import Foundation
import XCTest

@testable import DSCNN

/// LDFR inside a model: after each stage of a residual backbone, trained, saved and restored.
final class LDFRModelTests: XCTestCase {
    private func backbone() -> ResNetBackbone {
        ResNetBackbone(inputChannels: 1, widths: [4, 6], outputDimensions: 3, imageSize: (8, 8), seed: 2) { _, h, w in
            LDFR(rank: 2, selected: 8, spatialSize: h * w)
        }
    }

    func testGradientsReachGammaAndTheFusedSubspaceIsSavedWithTheModel() throws {
        let model = backbone()
        let names = model.namedBuffers().map(\.0).filter { $0.contains("fused") }
        XCTAssertEqual(names.count, 8, "\(names)")
        XCTAssertTrue(model.namedParameters().map(\.0).contains { $0.hasSuffix("gamma") })
        for step in 0..<3 {
            let x = LDFRTestData.randn([4, 1, 8, 8], seed: UInt64(100 + step))
            model.zeroGrad()
            model(x).sum().backward()
        }
        let gammas = model.namedParameters().filter { $0.0.hasSuffix("gamma") }.map(\.1)
        XCTAssertEqual(gammas.count, 2)
        for gamma in gammas {
            XCTAssertNotNil(gamma.grad)
            gamma.data = [0.5]
        }
        model.eval()
        let probe = LDFRTestData.randn([2, 1, 8, 8], seed: 200)
        let reference = model(probe).data

        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dscnn-ldfr-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.h5").path
        try Checkpoint.save(model, to: path)

        let restored = backbone()
        _ = restored(LDFRTestData.randn([4, 1, 8, 8], seed: 300))  // some other training first
        _ = try Checkpoint.load(path, into: restored)
        restored.eval()
        XCTAssertEqual(restored(probe).data, reference)
    }
}
