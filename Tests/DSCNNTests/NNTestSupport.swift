import DSCIO
import DSCNN
import DSCTensor
import Foundation
import XCTest

/// Helpers shared by the DSCNN layer, optimizer, checkpoint and training tests.
enum NNTest {
    /// Normal samples `std · N(0, 1)`.
    static func randn(_ shape: [Int], seed: UInt64, std: Float = 1, requiresGrad: Bool = false) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randn(shape, std: std, generator: &g, requiresGrad: requiresGrad)
    }
}
