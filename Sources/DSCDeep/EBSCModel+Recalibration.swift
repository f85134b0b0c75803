import DSCNN
import DSCTensor

extension EBSCModel {
    /// Re-estimates the encoder's batch statistics on clean samples: its batch-norm running
    /// statistics and LDFR fused subspaces were gathered during training on augmented views,
    /// most of them from an encoder that has since changed (LDFR's fused subspace averages every
    /// training batch since the first step). This runs `batches` clean batches of `batchSize`
    /// (evenly spaced samples, without augmentation) through the encoder in training mode without
    /// gradient, after restarting every estimate, so that evaluation mode embeds with statistics
    /// of the data as it is clustered. Running statistics restart from mean 0 and variance 1 (so
    /// recalibrating twice gives the same buffers) and batch norm keeps its momentum (0.1): after
    /// 50 batches the start weighs 0.5 %. Parameters are untouched; the model ends in evaluation
    /// mode. ``EBSC`` runs it before embedding (its effect is measured in notebooks-md/mnist.md).
    ///
    /// - Parameter samples: samples as the model sees them (``standardized(_:)``).
    /// - Returns: the encoder's buffers as they were, for ``restoreBuffers(_:)``.
    @discardableResult
    public func recalibrate(on samples: any SampleSource, batches: Int, batchSize: Int = 256) throws -> [[Float]] {
        let saved = encoder.namedBuffers().map(\.1.data)
        let n = samples.count
        let b = min(batchSize, n)
        guard batches > 0, b >= 2, !saved.isEmpty else { return saved }
        // Restart every estimate, so that the result depends only on the parameters and the
        // samples (recalibrating twice gives the same buffers).
        for (name, buffer) in encoder.namedBuffers() {
            if name.hasSuffix("fusedCount") || name.hasSuffix("runningMean") {
                buffer.data = [Float](repeating: 0, count: buffer.count)
            } else if name.hasSuffix("runningVar") {
                buffer.data = [Float](repeating: 1, count: buffer.count)
            }
        }
        // Batch t takes every (n / b)-th sample from offset t: spread over the whole file (also a
        // file sorted by class), with no random draw, so no seed is involved.
        let step = n / b
        var values = [Float](repeating: 0, count: b * samples.sampleSize)
        encoder.train()
        for t in 0..<batches {
            let rows = (0..<b).map { k in k * step + t % step }
            try values.withUnsafeMutableBufferPointer { try samples.read(rows, into: $0) }
            _ = Tensor.withNoGrad { encoder(Tensor(values, shape: [b] + samples.sampleShape)) }
        }
        eval()
        return saved
    }

    /// Puts back encoder buffers returned by ``recalibrate(on:batches:batchSize:)``.
    public func restoreBuffers(_ saved: [[Float]]) {
        for ((_, buffer), data) in zip(encoder.namedBuffers(), saved) { buffer.data = data }
    }
}
