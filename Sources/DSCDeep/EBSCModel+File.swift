import DSCNN
import DSCNNIO
import Foundation

extension EBSCModel {
    /// Saves the model (no optimizer state) as a checkpoint file whose configuration attribute
    /// is the architecture string, so that ``load(_:)`` can rebuild it. Atomic.
    public func save(to path: String, step: Int = 0, epoch: Int = 0) throws {
        try Checkpoint.save(self, to: path, configuration: configuration.architectureString, step: step, epoch: epoch)
    }

    /// Rebuilds a model from a file written by ``save(to:step:epoch:)`` or by training
    /// checkpoints, with its weights, buffers, queue and input standardisation.
    ///
    /// - Throws: ``EBSCError/notAModel`` when the file's configuration is not an architecture
    ///   string, checkpoint and HDF5 errors otherwise (one line naming the file and tensor).
    public static func load(_ path: String) throws -> EBSCModel {
        let info = try Checkpoint.info(path)
        let configuration = try EBSCConfiguration(architecture: info.configuration, file: path)
        guard let kind = configuration.input else { throw EBSCError.notAModel(file: path, reason: "no input shape") }
        let model = EBSCModel(configuration, kind: kind)
        try Checkpoint.load(path, into: model)
        model.eval()
        return model
    }
}

extension EBSCConfiguration {
    /// Parses an ``architectureString``; settings it does not hold keep their defaults.
    public init(architecture text: String, file: String) throws {
        self.init()
        func bad(_ why: String) -> EBSCError { .notAModel(file: file, reason: why) }
        func ints(_ v: String) throws -> [Int] {
            let out = v.split(separator: ",").compactMap { Int($0) }
            if out.isEmpty { throw bad("bad list \(v)") }
            return out
        }
        func int(_ v: String) throws -> Int {
            guard let i = Int(v) else { throw bad("bad integer \(v)") }
            return i
        }
        var sawInput = false
        for part in text.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw bad("configuration \"\(text)\"") }
            let (k, v) = (kv[0], kv[1])
            switch k {
            case "input":
                sawInput = true
                if v.hasPrefix("features[") {
                    input = .features(try int(String(v.dropFirst(9).dropLast())))
                } else if v.hasPrefix("images[") {
                    let d = try ints(String(v.dropFirst(7).dropLast()))
                    guard d.count == 3 else { throw bad("input \(v)") }
                    input = .images(channels: d[0], height: d[1], width: d[2])
                } else {
                    throw bad("input \(v)")
                }
            case "raw_features": rawFeatures = v == "true"
            case "hidden": hiddenDimensions = try ints(v)
            case "encoder":
                guard let e = ImageEncoder(rawValue: v) else { throw bad("encoder \(v)") }
                imageEncoder = e
            case "widths": widths = try ints(v)
            case "ldfr": ldfr = v == "true"
            case "ldfr_rank": ldfrRank = try int(v)
            case "ldfr_selected": ldfrSelected = try int(v)
            case "embedding": embeddingDimensions = try int(v)
            case "queue": queueSize = try int(v)
            case "energy_hidden": energyHidden = try int(v)
            case "joint": joint = v == "true"
            default: throw bad("unknown setting \(k)")
            }
        }
        if !sawInput { throw bad(text.isEmpty ? "no configuration attribute" : "configuration \"\(text)\"") }
        if case .images = input, imageEncoder == .cnn {} else { ldfr = false }
    }
}
