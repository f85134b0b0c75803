import DSCTensor
import Foundation

/// Which of a model's representations ``EBSCModel/embed(_:layer:progress:)`` gives.
public enum EmbeddingLayer: String, CaseIterable, Sendable {
    /// `z`, the L2-normalised output of the projection head: what the contrastive loss and the
    /// energy network see.
    case embedding
    /// The L2-normalised features before the encoder's last layer (the CNN's pooled backbone
    /// features, the MLP's last hidden layer): the representation that transfers (SimCLR).
    case features
}

extension EBSCModel {
    /// The L2-normalised representations `[N, width]` of `samples` (as the file holds them; the
    /// model's standardisation is applied here), in evaluation mode with the batch statistics the
    /// model holds, 512 samples at a time. The model is not changed, so a database and its
    /// queries embedded apart get the same vectors as embedded together.
    ///
    /// - Throws: ``EBSCError/architectureMismatch`` when the samples' shape is not the model's
    ///   (`file` and `dataset` name them), and the samples' read errors.
    public func embed(
        _ samples: any SampleSource, layer: EmbeddingLayer = .embedding, file: String = "",
        dataset: String = "features", progress: ProgressHandler? = nil
    ) throws -> [Float] {
        try EBSC.check(self, fits: samples, file: file, dataset: dataset)
        // The embedding pass of the clustering: `z`, and with ``Candidates/features`` the
        // features before the last layer too.
        switch layer {
        case .embedding:
            return try EBSC.embeddings(of: samples, model: self, candidates: .embedding, progress: progress).z
        case .features:
            return try EBSC.embeddings(of: samples, model: self, candidates: .features, progress: progress).features
                ?? []
        }
    }

    /// A 64-bit FNV-1a hash of every parameter and buffer (names and values), as 16 hex digits:
    /// an index built with this model stores it, so that a search refuses a model file that has
    /// changed since.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for (name, tensor) in namedParameters() + namedBuffers() {
            for byte in name.utf8 { mix(byte) }
            for value in tensor.data {
                let bits = value.bitPattern
                for shift in stride(from: 0, to: 32, by: 8) { mix(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
            }
        }
        return String(format: "%016llx", hash)
    }
}
